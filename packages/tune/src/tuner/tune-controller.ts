/**
 * The driver's loop (Ray's TuneController): asks the (already set up) searcher for configs, runs up to
 * `maxConcurrentTrials` trials on {@link TrialHost}s (trial actors, or the driver for a trainer's
 * `runInDriver`), decides on each result (stop
 * criteria, time budget, scheduler), and keeps the experiment directory up to date.
 */
import * as ray from '@ray-ts/core';
import { join } from 'node:path';
import { TrialError, TuneMetricError, TuneRestoreError } from '../errors.js';
import { createTrialHost, type TrialHost } from '../internal/trial-host.js';
import { isResumableScheduler, type SchedulerDecision, type TrialResult } from '../schedulers/scheduler.js';
import { isResumable, SUGGEST_LATER } from '../search/searcher.js';
import type { TrainableSpec } from '../trainable/trainable-spec.js';
import type { TrialResources } from '../trainable/trainable.js';
import { appendResult, initTrialDir, loadCheckpoint, saveCheckpoint, writeJsonAtomic, type ExperimentState } from './experiment-state.js';
import type { ResolvedConfig } from './options.js';
import { callbackTrial, trialRecord, type Trial } from './trial.js';
import { CallbackRunner } from './callbacks.js';
import { appendProgress, endProgress, newProgress } from './progress-csv.js';
import { applyPause, ControllerTrialControl, truncateToCheckpoint } from './trial-control.js';
import { ProgressReporter } from './progress-reporter.js';

/** Everything one sweep needs. */
export interface ControllerInit {
  config: Readonly<ResolvedConfig>;
  spec: TrainableSpec;
  resources: Required<TrialResources>;
  /** Run trials in the driver process instead of trial actors (a trainer's `runInDriver`). @default false */
  inDriver?: boolean;
  /** CPUs one trial uses in all (for the default maxConcurrentTrials). @default resources.CPU */
  cpusPerTrial?: number;
  experimentId: string;
  /** Trials from a restored experiment (finished ones are kept as they are). */
  trials: Trial[];
  /** A restored experiment's scheduler state, and its trials that were PAUSED (they stay paused when the state is restored). */
  restoredScheduler?: { saved: { scheduler: string; state: unknown }; paused: ReadonlySet<string> };
}

/** Runs one sweep. */
export class TuneController {
  readonly trials: Trial[];
  private readonly cfg: Readonly<ResolvedConfig>;
  private readonly expDir: string;
  private readonly start = Date.now();
  private saving: Promise<void> = Promise.resolve();
  private searcherDone = false;
  private soon: NodeJS.Timeout | undefined;
  /** Hosts (actors) whose trial ended cleanly, ready for the next one (Ray's reuse_actors). */
  private readonly idle: TrialHost[] = [];
  /** What schedulers may do to other trials. */
  private readonly control: ControllerTrialControl;
  /** runConfig.callbacks. */
  private readonly callbacks: CallbackRunner;

  constructor(private readonly init: ControllerInit) {
    this.cfg = init.config;
    this.trials = init.trials;
    this.expDir = join(this.cfg.storagePath, this.cfg.name);
    this.callbacks = new CallbackRunner(this.cfg.loggerFactories, this.cfg.callbacks);
    this.control = new ControllerTrialControl(this.trials, (t) => {
      const last = t.results[t.results.length - 1];
      this.cfg.searchAlg.onTrialComplete(t.trialId, last);
      this.cfg.scheduler.onTrialComplete(t.trialId, last, this.control);
      this.callbacks.trialEndLater(callbackTrial(t));
    });
  }

  private timeUp(): boolean {
    return this.cfg.timeBudgetS !== undefined && Date.now() - this.start >= this.cfg.timeBudgetS * 1000;
  }

  /** Runs trials until the searcher is exhausted (or the time budget is spent). */
  async run(): Promise<void> {
    const { cfg } = this;
    cfg.scheduler.setSearchProperties(cfg.metric, cfg.mode);
    this.restoreScheduler();
    let max = cfg.maxConcurrentTrials;
    if (max === undefined) {
      const cpus = (await ray.clusterResources()).CPU ?? 1;
      max = Math.max(1, Math.floor(cpus / Math.max(this.init.cpusPerTrial ?? this.init.resources.CPU, 1e-9)));
    }
    const running = new Map<string, Promise<void>>();
    const reporter = new ProgressReporter(() => this.trials, { verbose: cfg.verbose, intervalS: cfg.progressIntervalS, metric: cfg.metric, mode: cfg.mode });
    reporter.start();
    try {
      await this.loop(max, running);
    } finally {
      reporter.stop();
      for (const h of this.idle.splice(0)) h.kill();
    }
    await this.callbacks.experimentEnd(this.trials.map(callbackTrial));
    await this.saveState();
  }

  /** Puts a restored experiment's scheduler state into the scheduler (of the same class). */
  private restoreScheduler(): void {
    const r = this.init.restoredScheduler;
    if (!r) return;
    const s = this.cfg.scheduler;
    const name = s.constructor.name;
    if (!isResumableScheduler(s) || name !== r.saved.scheduler) {
      const passed = name === 'FIFOScheduler' ? 'no scheduler was passed' : `the scheduler passed is a ${name}`;
      process.emitWarning(
        `Tune: the restored sweep was scheduled by ${r.saved.scheduler}, but ${passed}: it starts without the recorded state. ` +
          `Pass scheduler: new ${r.saved.scheduler}({ ...the same options }) to Tuner.restore() to continue its decisions.`,
      );
      return;
    }
    try {
      s.restore(r.saved.state);
    } catch (err) {
      throw new TuneRestoreError(this.expDir, `the ${name} state in experiment_state.json could not be restored (${(err as Error).message})`, { cause: err });
    }
    for (const t of this.trials) if (r.paused.has(t.trialId) && t.status === 'PENDING') t.status = 'PAUSED';
  }

  private async loop(max: number, running: Map<string, Promise<void>>): Promise<void> {
    for (;;) {
      while (running.size < max && !this.timeUp()) {
        const trial = await this.nextTrial();
        if (!trial) break;
        running.set(trial.trialId, this.runTrial(trial).finally(() => running.delete(trial.trialId)));
      }
      if (running.size === 0) {
        // Nothing runs and nothing was chosen: paused trials left now would never resume.
        const stuck = this.trials.filter((t) => t.status === 'PAUSED');
        if (stuck.length && !this.timeUp()) process.emitWarning(`Tune: ${stuck.length} paused trial(s) were not resumed by the scheduler; they end as TERMINATED`);
        for (const t of stuck) this.control.stopTrial(t.trialId);
        break;
      }
      await Promise.race(running.values());
    }
  }

  private async nextTrial(): Promise<Trial | undefined> {
    const chosen = this.control.choose(this.cfg.scheduler);
    if (chosen) return chosen;
    if (this.searcherDone) return undefined;
    const trialId = `${this.init.experimentId}_${String(this.trials.length).padStart(5, '0')}`;
    const config = this.cfg.searchAlg.suggest(trialId);
    if (config === SUGGEST_LATER) return undefined;
    if (!config) {
      this.searcherDone = true;
      this.control.finished = true;
      return this.control.choose(this.cfg.scheduler); // a scheduler may release paused trials now
    }
    const trial: Trial = { trialId, config, dir: join(this.expDir, trialId), status: 'PENDING', results: [] };
    await initTrialDir(trial.dir, config);
    newProgress(trial.dir);
    this.trials.push(trial);
    this.cfg.scheduler.onTrialAdd?.(trialId, config, this.control);
    return trial;
  }

  private async runTrial(trial: Trial): Promise<void> {
    const { cfg } = this;
    if (trial.status === 'PAUSED') await truncateToCheckpoint(trial);
    trial.status = 'RUNNING';
    // Saved within half a second, not awaited: writing the whole state twice per trial was most of
    // Tune's overhead per trial (bench/tune). Whatever is on disk stays consistent: a trial that
    // started or ended since the last write is rerun by a restore, as in Ray's periodic snapshots.
    this.saveStateSoon();
    await this.callbacks.trialStart(callbackTrial(trial));
    const iterOffset = trial.checkpoint?.iteration ?? 0;
    const timeOffset = trial.checkpoint?.timeTotalS ?? 0;
    let sinceRestore = 0;
    let timeTotal = timeOffset;
    const actor = this.idle.pop() ?? createTrialHost(this.init.resources, this.init.inDriver === true);
    let reusable = false;
    let last: TrialResult | undefined = trial.results[trial.results.length - 1];
    try {
      const checkpoint = trial.checkpoint ? await loadCheckpoint(trial.checkpoint.dir) : undefined;
      const context = { trialId: trial.trialId, experimentName: cfg.name, trialDir: trial.dir };
      await actor.start({ spec: this.init.spec, config: trial.config, checkpoint, context, checkpointFrequency: cfg.checkpointFrequency });
      let decision: 'CONTINUE' | 'STOP' | null = null;
      for (;;) {
        const ev = await actor.next(decision);
        if (ev.type === 'done') {
          trial.status = 'TERMINATED';
          reusable = true;
          break;
        }
        if (ev.type === 'error') {
          reusable = true;
          throw new TrialError(trial.trialId, ev.error);
        }
        sinceRestore++;
        timeTotal += ev.timeThisIterS;
        const result: TrialResult = {
          ...ev.metrics,
          trainingIteration: iterOffset + sinceRestore,
          timeThisIterS: ev.timeThisIterS,
          timeTotalS: timeTotal,
          iterationsSinceRestore: sinceRestore,
          timestamp: Math.floor(Date.now() / 1000),
          trialId: trial.trialId,
        };
        const missing = this.requiredMetrics().find((m) => !(m in result));
        if (missing) {
          reusable = await this.stopRun(actor);
          throw new TrialError(trial.trialId, new TuneMetricError(missing, Object.keys(ev.metrics)));
        }
        if (ev.checkpoint) {
          const dir = await saveCheckpoint(trial.dir, result.trainingIteration, ev.checkpoint);
          trial.checkpoint = { iteration: result.trainingIteration, timeTotalS: result.timeTotalS, dir };
          this.saveStateSoon();
        }
        trial.results.push(result);
        last = result;
        await appendResult(trial.dir, result);
        await appendProgress(trial.dir, result, async () => trial.results);
        await this.callbacks.trialResult(callbackTrial(trial), result, ev.checkpoint ? trial.checkpoint?.dir : undefined);
        const verdict: SchedulerDecision =
          this.shouldStop(trial.trialId, result) || this.timeUp() ? 'STOP' : cfg.scheduler.onTrialResult(trial.trialId, result, this.control);
        decision = verdict === 'CONTINUE' ? 'CONTINUE' : 'STOP';
        if (verdict !== 'CONTINUE') {
          // Decided: a state snapshot taken while the run stops must not show a RUNNING trial that
          // the scheduler already stopped (a restore would rerun it past the rung that stopped it).
          if (verdict === 'STOP') trial.status = 'TERMINATED';
          reusable = await this.stopRun(actor);
          if (verdict === 'PAUSE') await applyPause(trial, this.trials);
          else trial.status = 'TERMINATED';
          break;
        }
      }
    } catch (err) {
      trial.status = 'ERROR';
      trial.error = err instanceof TrialError ? err : new TrialError(trial.trialId, err);
    } finally {
      if (reusable && cfg.reuseActors) this.idle.push(actor);
      else actor.kill();
      if ((trial.status as string) !== 'PAUSED') {
        cfg.scheduler.onTrialComplete(trial.trialId, last, this.control);
        cfg.searchAlg.onTrialComplete(trial.trialId, last, trial.error);
      }
      this.saveStateSoon();
      if ((trial.status as string) !== 'PAUSED') {
        endProgress(trial.dir);
        await this.callbacks.trialEnd(callbackTrial(trial));
      }
    }
  }

  /** Stops the running trainable; true when it ended within a second (so the actor can take another trial). */
  private async stopRun(actor: TrialHost): Promise<boolean> {
    try {
      const ev = await actor.next('STOP', 1000);
      return ev.type !== 'result';
    } catch {
      return false;
    }
  }

  /** Metrics every result must have. */
  private requiredMetrics(): string[] {
    const { cfg } = this;
    const out = new Set<string>(cfg.scheduler.metricsUsed);
    if (cfg.metric) out.add(cfg.metric);
    if (cfg.stop && typeof cfg.stop === 'object') for (const k of Object.keys(cfg.stop)) out.add(k);
    return [...out];
  }

  private shouldStop(trialId: string, result: TrialResult): boolean {
    const { stop } = this.cfg;
    if (result.done === true) return true;
    if (!stop) return false;
    if (typeof stop === 'function') return stop(trialId, result) === true;
    return Object.entries(stop).some(([k, v]) => Number(result[k]) >= v);
  }

  /** Saves the state within half a second (after checkpoints: a restore then resumes from them). */
  private saveStateSoon(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.saveState().catch((err: Error) => process.emitWarning(`Tune: experiment_state.json not written: ${err.message}`));
    }, 500);
  }

  /** Writes experiment_state.json (writes are serialised). */
  saveState(): Promise<void> {
    if (this.soon) clearTimeout(this.soon);
    this.soon = undefined;
    const { cfg } = this;
    const state: ExperimentState = {
      version: 1,
      experimentId: this.init.experimentId,
      name: cfg.name,
      trainable: this.init.spec.name,
      numSamples: cfg.numSamples,
      checkpointFrequency: cfg.checkpointFrequency,
      trials: this.trials.map(trialRecord),
      updated: Date.now(),
    };
    if (cfg.metric) state.metric = cfg.metric;
    if (cfg.mode) state.mode = cfg.mode;
    if (cfg.maxConcurrentTrials !== undefined) state.maxConcurrentTrials = cfg.maxConcurrentTrials;
    if (cfg.stop && typeof cfg.stop === 'object') state.stop = cfg.stop;
    if (isResumable(cfg.searchAlg)) state.searcherState = cfg.searchAlg.save();
    if (isResumableScheduler(cfg.scheduler)) state.schedulerState = { scheduler: cfg.scheduler.constructor.name, state: cfg.scheduler.save() };
    const write = this.saving.catch(() => undefined).then(() => writeJsonAtomic(join(this.expDir, 'experiment_state.json'), state));
    this.saving = write;
    return write;
  }
}
