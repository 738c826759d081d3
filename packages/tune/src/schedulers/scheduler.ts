/**
 * The interface of trial schedulers (early stopping, pausing and exploiting policies). A
 * scheduler sees every result and answers CONTINUE, STOP or PAUSE; schedulers that move
 * trials around (HyperBand, PBT) also get a {@link TrialControl}. A new scheduler is a new
 * file implementing {@link TrialScheduler}.
 */

/**
 * A scheduler's decision on a result. `PAUSE` ends the trial's current run and parks it
 * (status `PAUSED`); it runs again, from its latest checkpoint, when the scheduler's
 * `chooseTrialToRun` picks it (or, without one, after every pending trial).
 */
export type SchedulerDecision = 'CONTINUE' | 'STOP' | 'PAUSE';

/** A result as schedulers see it: the trial's metrics plus Tune's automatic fields. */
export type TrialResult = Record<string, unknown> & { trainingIteration: number; timeTotalS: number };

/** What a scheduler can see of a trial. */
export interface TrialInfo {
  /** The trial's id. */
  readonly trialId: string;
  /** Its current config. */
  readonly config: Readonly<Record<string, unknown>>;
  /** PENDING, RUNNING, PAUSED, TERMINATED or ERROR. */
  readonly status: string;
  /** Its last result, if any. */
  readonly lastResult: TrialResult | undefined;
  /** `trainingIteration` of its latest checkpoint, if it has one. */
  readonly checkpointIteration: number | undefined;
}

/** What a scheduler may do besides deciding on the result in hand (the controller implements it; tests use a fake). */
export interface TrialControl {
  /** A trial by id. */
  getTrial(trialId: string): TrialInfo | undefined;
  /** Every trial of the sweep so far. */
  trials(): readonly TrialInfo[];
  /** True once the searcher has no more configs (no trial will be added). */
  searchFinished(): boolean;
  /** Ends a PAUSED or PENDING trial without running it again (it is marked TERMINATED). */
  stopTrial(trialId: string): void;
  /**
   * PBT's exploit: when `trialId` is paused by this decision, it continues from the latest
   * checkpoint of `donorId` with `config` (which becomes the trial's config).
   */
  exploit(trialId: string, donorId: string, config: Record<string, unknown>): void;
}

/** A trial scheduling policy. */
export interface TrialScheduler {
  /** Metrics the scheduler reads (checked in every result). */
  readonly metricsUsed: readonly string[];
  /** Called once with the Tuner's metric and mode (used when the scheduler has none of its own). */
  setSearchProperties(metric: string | undefined, mode: 'min' | 'max' | undefined): void;
  /** A new trial was created (before it first runs). */
  onTrialAdd?(trialId: string, config: Record<string, unknown>, control: TrialControl): void;
  /** Decides on one result of a running trial. */
  onTrialResult(trialId: string, result: TrialResult, control?: TrialControl): SchedulerDecision;
  /** A trial ended (finished, stopped or errored). */
  onTrialComplete(trialId: string, result: TrialResult | undefined, control?: TrialControl): void;
  /**
   * Which of the runnable trials (`PENDING` or `PAUSED`) to run next, or undefined to start
   * a new trial from the searcher (or wait). Without this method the controller runs
   * pending trials first, then paused ones.
   */
  chooseTrialToRun?(candidates: readonly TrialInfo[], control: TrialControl): string | undefined;
}

/**
 * A scheduler whose state is saved in experiment_state.json (with the trials, in the same
 * atomic write) and restored by `Tuner.restore` into the scheduler passed to it, so a
 * resumed sweep keeps deciding with the results recorded before the interruption.
 */
export interface ResumableScheduler extends TrialScheduler {
  /** JSON-serializable state (NaN and infinities may come back as null). */
  save(): unknown;
  /**
   * Restores state returned by `save` (called after `setSearchProperties`, before any trial runs).
   * @throws TypeError when `state` was not saved by this kind of scheduler
   */
  restore(state: unknown): void;
}

/** True when `s` can save and restore its state. */
export function isResumableScheduler(s: TrialScheduler): s is ResumableScheduler {
  return typeof (s as ResumableScheduler).save === 'function' && typeof (s as ResumableScheduler).restore === 'function';
}

/** A number saved by a scheduler's `save()` (JSON turns NaN and infinities into null). */
export function savedNumber(v: unknown): number {
  return v === null || v === undefined ? NaN : Number(v);
}

/** Checks that `state` is an object saved by `owner` (its `kind` field). */
export function checkSaved<T>(owner: string, kind: string, state: unknown): T {
  if (state === null || typeof state !== 'object' || (state as { kind?: unknown }).kind !== kind) {
    throw new TypeError(`${owner}.restore(state) needs the state saved by ${owner}.save()`);
  }
  return state as T;
}

/** Checks a scheduler's `mode` option. */
export function checkMode(owner: string, mode: unknown): 'min' | 'max' | undefined {
  if (mode !== undefined && mode !== 'min' && mode !== 'max') throw new TypeError(`${owner} options.mode must be 'min' or 'max', got ${String(mode)}`);
  return mode;
}

/** Checks that a scheduler option is a number > 0 (or >= 0 with `allowZero`). */
export function checkPositive(owner: string, name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(allowZero ? v >= 0 : v > 0)) {
    throw new RangeError(`${owner} options.${name} must be a number ${allowZero ? '>= 0' : '> 0'}, got ${String(v)}`);
  }
  return v;
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
