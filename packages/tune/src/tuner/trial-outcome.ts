/**
 * One trial's outcome in a {@link ResultGrid} (Ray's `ray.train.Result`): its config, last
 * and past results, latest checkpoint, and the checkpoints it kept with the metrics each
 * was reported with (`bestCheckpoints`, `getBestCheckpoint(metric, mode)`).
 */
import { join } from 'node:path';
import { Checkpoint } from '../trainable/checkpoint.js';
import { listCheckpointIterations, loadCheckpoint, type TrialStatus } from './experiment-state.js';

/** A checkpoint a trial kept, with the result it was reported with (Ray's `(Checkpoint, metrics)` pairs). */
export interface CheckpointWithMetrics {
  /** The checkpoint's data. */
  readonly checkpoint: Checkpoint;
  /** The result reported with it (with Tune's fields: trainingIteration, timeTotalS, ...). */
  readonly metrics: Readonly<Record<string, unknown>>;
}

/** One trial's outcome (Ray's `Result`). */
export interface TrialOutcome {
  /** The trial's id. */
  readonly trialId: string;
  /** The config it ran with. */
  readonly config: Record<string, unknown>;
  /** Its last result (with Tune's fields: trainingIteration, timeTotalS, ...), or undefined if it reported none. */
  readonly metrics: Record<string, unknown> | undefined;
  /** Every result it reported, oldest first (Ray's metrics_dataframe). */
  readonly metricsHistory: readonly Record<string, unknown>[];
  /** Its latest checkpoint. */
  readonly checkpoint: Checkpoint | undefined;
  /**
   * Every checkpoint the trial kept (Tune keeps all that were reported, in
   * `<trialDir>/checkpoint_<iteration>`), oldest first, each with the result it was reported
   * with (Ray's `Result.best_checkpoints`). A checkpoint whose result was dropped (a
   * restored or resumed trial redoing iterations past its checkpoint) is left out. For a
   * Train trainer, a checkpoint's data is `{ path }` of Train's checkpoint directory (Train's
   * `checkpointConfig.numToKeep` may have deleted older ones).
   */
  readonly bestCheckpoints: readonly CheckpointWithMetrics[];
  /**
   * The kept checkpoint with the best `metric` in its result (Ray's
   * `Result.get_best_checkpoint(metric, mode)`); the earliest among equals. Results where
   * `metric` is not a number are skipped.
   * @throws TypeError when mode is not 'min' or 'max'
   * @throws RangeError when the trial kept no checkpoint, or none was reported with `metric`
   */
  getBestCheckpoint(metric: string, mode: 'min' | 'max'): Checkpoint;
  /** Why it failed, for errored trials (a TrialError whose `cause` is the original error). */
  readonly error: Error | undefined;
  /** Final status: TERMINATED or ERROR (PENDING if the time budget ran out first). */
  readonly status: TrialStatus;
  /** The trial's directory. */
  readonly path: string;
}

/** The fields of a trial's outcome, before its checkpoints are listed. */
export type TrialOutcomeFields = Omit<TrialOutcome, 'bestCheckpoints' | 'getBestCheckpoint'>;

/** The checkpoints in a trial's directory whose result is in `history`, oldest first, with it. */
export async function keptCheckpoints(trialDir: string, history: readonly Record<string, unknown>[]): Promise<CheckpointWithMetrics[]> {
  const byIteration = new Map(history.map((r) => [r.trainingIteration, r]));
  const out: CheckpointWithMetrics[] = [];
  for (const iteration of await listCheckpointIterations(trialDir)) {
    const metrics = byIteration.get(iteration);
    if (!metrics) continue;
    try {
      const data = await loadCheckpoint(join(trialDir, `checkpoint_${String(iteration).padStart(6, '0')}`));
      out.push(Object.freeze({ checkpoint: Checkpoint.fromDict(data), metrics }));
    } catch {
      /* an unreadable or half-written checkpoint (the driver was killed while saving it) */
    }
  }
  return out;
}

/** The best of `kept` by `metric` (see {@link TrialOutcome.getBestCheckpoint}). */
export function bestCheckpoint(trialId: string, kept: readonly CheckpointWithMetrics[], metric: string, mode: 'min' | 'max'): Checkpoint {
  if (typeof metric !== 'string' || metric === '') throw new TypeError('getBestCheckpoint(metric, mode) needs a metric name');
  if (mode !== 'min' && mode !== 'max') throw new TypeError(`getBestCheckpoint mode must be 'min' or 'max', got ${String(mode)}`);
  if (kept.length === 0) {
    throw new RangeError(`Trial ${trialId} kept no checkpoint: report one (tune.report(metrics, { checkpoint })), or set checkpointConfig.checkpointFrequency for a class trainable`);
  }
  const sign = mode === 'max' ? 1 : -1;
  let best: CheckpointWithMetrics | undefined;
  for (const c of kept) {
    const v = c.metrics[metric];
    if (typeof v !== 'number' || Number.isNaN(v)) continue;
    if (!best || v * sign > (best.metrics[metric] as number) * sign) best = c;
  }
  if (!best) {
    const keys = Object.keys(kept[kept.length - 1]!.metrics).join(', ');
    throw new RangeError(`No checkpoint of trial ${trialId} was reported with a numeric '${metric}' (its results have: ${keys})`);
  }
  return best.checkpoint;
}

/** A trial's outcome with its kept checkpoints read from its directory. */
export async function makeTrialOutcome(fields: TrialOutcomeFields): Promise<TrialOutcome> {
  const kept = Object.freeze(await keptCheckpoints(fields.path, fields.metricsHistory));
  return Object.freeze({
    ...fields,
    bestCheckpoints: kept,
    getBestCheckpoint: (metric: string, mode: 'min' | 'max') => bestCheckpoint(fields.trialId, kept, metric, mode),
  });
}
