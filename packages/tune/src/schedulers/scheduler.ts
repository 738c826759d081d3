/**
 * The interface of trial schedulers (early stopping policies). A scheduler sees every
 * result and answers CONTINUE or STOP; a new one is a new file implementing
 * {@link TrialScheduler}.
 */

/** A scheduler's decision on a result. */
export type SchedulerDecision = 'CONTINUE' | 'STOP';

/** A result as schedulers see it: the trial's metrics plus Tune's automatic fields. */
export type TrialResult = Record<string, unknown> & { trainingIteration: number; timeTotalS: number };

/** An early-stopping policy. */
export interface TrialScheduler {
  /** Metrics the scheduler reads (checked in every result). */
  readonly metricsUsed: readonly string[];
  /** Called once with the Tuner's metric and mode (used when the scheduler has none of its own). */
  setSearchProperties(metric: string | undefined, mode: 'min' | 'max' | undefined): void;
  /** Decides on one result of a running trial. */
  onTrialResult(trialId: string, result: TrialResult): SchedulerDecision;
  /** A trial ended (finished, stopped or errored). */
  onTrialComplete(trialId: string, result: TrialResult | undefined): void;
}

/** Checks a scheduler's `mode` option. */
export function checkMode(owner: string, mode: unknown): 'min' | 'max' | undefined {
  if (mode !== undefined && mode !== 'min' && mode !== 'max') throw new TypeError(`${owner} options.mode must be 'min' or 'max', got ${String(mode)}`);
  return mode;
}

/** Runs every trial to completion (Ray's FIFOScheduler, the default). */
export class FIFOScheduler implements TrialScheduler {
  readonly metricsUsed: readonly string[] = [];
  setSearchProperties(): void {}
  onTrialResult(): SchedulerDecision {
    return 'CONTINUE';
  }
  onTrialComplete(): void {}
}
