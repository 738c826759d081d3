/** A trial as the driver tracks it. */
import type { TrialResult } from '../schedulers/scheduler.js';
import type { CallbackTrial } from './callbacks.js';
import type { CheckpointRecord, TrialRecord, TrialStatus } from './experiment-state.js';

/** One run of the trainable with one config. */
export interface Trial {
  readonly trialId: string;
  /** Its config (PBT's exploit replaces it). */
  config: Record<string, unknown>;
  /** `<storagePath>/<name>/<trialId>`. */
  readonly dir: string;
  status: TrialStatus;
  /** Every result, oldest first (including those before a restore). */
  results: TrialResult[];
  checkpoint?: CheckpointRecord;
  error?: Error;
  /** Set by a scheduler's exploit: applied when the trial pauses (continue from the donor's checkpoint with this config). */
  exploit?: { donorId: string; config: Record<string, unknown> };
}

/** The JSON record of a trial for experiment_state.json. */
export function trialRecord(t: Trial): TrialRecord {
  const rec: TrialRecord = { trialId: t.trialId, config: t.config, status: t.status };
  const last = t.results[t.results.length - 1];
  if (last) rec.lastResult = last;
  if (t.checkpoint) rec.checkpoint = t.checkpoint;
  if (t.error) rec.error = { name: t.error.name, message: t.error.message };
  return rec;
}

/** A snapshot of a trial for experiment callbacks. */
export function callbackTrial(t: Trial): CallbackTrial {
  return Object.freeze({ trialId: t.trialId, config: t.config, status: t.status, path: t.dir, lastResult: t.results[t.results.length - 1], error: t.error });
}
