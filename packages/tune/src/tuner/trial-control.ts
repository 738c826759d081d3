/**
 * The controller's side of {@link TrialControl}: what schedulers may do to trials other than
 * the one whose result they decide on (stop a paused trial, plan PBT's exploit), picking the
 * next trial to run, and applying a pause (PBT's exploit copies the donor's checkpoint).
 */
import { join } from 'node:path';
import type { TrialControl, TrialInfo, TrialScheduler } from '../schedulers/scheduler.js';
import { loadCheckpoint, readResults, rewriteResults, saveCheckpoint, writeJsonAtomic } from './experiment-state.js';
import type { Trial } from './trial.js';

/** A trial as schedulers see it. */
export function trialInfo(t: Trial): TrialInfo {
  return { trialId: t.trialId, config: t.config, status: t.status, lastResult: t.results[t.results.length - 1], checkpointIteration: t.checkpoint?.iteration };
}

/** {@link TrialControl} over the controller's trial list. */
export class ControllerTrialControl implements TrialControl {
  /** Set by the controller when the searcher is exhausted. */
  finished = false;

  constructor(
    private readonly list: Trial[],
    /** Called when a paused/pending trial is stopped (to tell the searcher). */
    private readonly onStopped: (t: Trial) => void,
  ) {}

  getTrial(trialId: string): TrialInfo | undefined {
    const t = this.list.find((x) => x.trialId === trialId);
    return t && trialInfo(t);
  }

  trials(): readonly TrialInfo[] {
    return this.list.map(trialInfo);
  }

  searchFinished(): boolean {
    return this.finished;
  }

  stopTrial(trialId: string): void {
    const t = this.list.find((x) => x.trialId === trialId);
    if (!t || (t.status !== 'PAUSED' && t.status !== 'PENDING')) return;
    t.status = 'TERMINATED';
    this.onStopped(t);
  }

  exploit(trialId: string, donorId: string, config: Record<string, unknown>): void {
    const t = this.list.find((x) => x.trialId === trialId);
    const donor = this.list.find((x) => x.trialId === donorId);
    if (!t || !donor?.checkpoint) throw new RangeError(`exploit(${trialId}, ${donorId}): the donor trial has no checkpoint to copy`);
    t.exploit = { donorId, config: structuredClone(config) };
  }

  /** The next PENDING/PAUSED trial to run: the scheduler's choice, else pending ones first (paused ones only without a chooser). */
  choose(scheduler: TrialScheduler): Trial | undefined {
    const candidates = this.list.filter((t) => t.status === 'PENDING' || t.status === 'PAUSED');
    if (candidates.length === 0) return undefined;
    if (scheduler.chooseTrialToRun) {
      const id = scheduler.chooseTrialToRun(candidates.map(trialInfo), this);
      return id === undefined ? undefined : candidates.find((t) => t.trialId === id);
    }
    return candidates.find((t) => t.status === 'PENDING') ?? candidates[0];
  }
}

/**
 * Parks a trial whose run was just ended by a PAUSE decision. With a planned exploit, the
 * donor's latest checkpoint is copied in as the trial's checkpoint at its current iteration
 * and the new config replaces the old (params.json too), so it continues from there.
 */
export async function applyPause(t: Trial, list: readonly Trial[]): Promise<void> {
  t.status = 'PAUSED';
  const plan = t.exploit;
  if (!plan) return;
  t.exploit = undefined;
  const donor = list.find((x) => x.trialId === plan.donorId)!;
  const last = t.results[t.results.length - 1];
  const iteration = last?.trainingIteration ?? 0;
  const data = await loadCheckpoint(donor.checkpoint!.dir);
  const dir = await saveCheckpoint(t.dir, iteration, { ...data });
  t.checkpoint = { iteration, timeTotalS: last?.timeTotalS ?? 0, dir };
  t.config = plan.config;
  await writeJsonAtomic(join(t.dir, 'params.json'), t.config);
}

/** Before a paused trial resumes: drops results after its checkpoint (it repeats those iterations). */
export async function truncateToCheckpoint(t: Trial): Promise<void> {
  const upTo = t.checkpoint?.iteration ?? 0;
  if (t.results.length === 0 || t.results[t.results.length - 1]!.trainingIteration <= upTo) return;
  t.results = t.results.filter((r) => r.trainingIteration <= upTo);
  const onDisk = (await readResults(t.dir)).filter((r) => Number(r.trainingIteration) <= upTo);
  await rewriteResults(t.dir, onDisk);
}
