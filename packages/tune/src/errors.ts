/**
 * Typed errors of Tune. Each extends core's `RayError`, has a stable `code` and a message
 * that says what to do next; the classes are registered with core so they keep their class
 * across processes (a trial actor's error arrives in the driver as the same class).
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of Tune's errors. */
export class TuneError extends RayError {
  override readonly code: string = 'TUNE_ERROR';
}

/** A search space is malformed; `path` names the offending entry (e.g. `model.lr`). */
export class SearchSpaceError extends TuneError {
  override readonly code = 'TUNE_SEARCH_SPACE_ERROR';
  /** Dotted path of the bad entry in the param space. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`paramSpace.${path}: ${message}`, options);
    this.path = path;
  }
}

/** A trial reported results without the metric the sweep optimises or schedules on. */
export class TuneMetricError extends TuneError {
  override readonly code = 'TUNE_METRIC_ERROR';
  /** The metric that was expected. */
  readonly metric: string;
  /** The keys the trial did report. */
  readonly reported: string[];
  constructor(metric: string, reported: string[]) {
    super(
      `The trial reported ${reported.length ? reported.map((k) => `'${k}'`).join(', ') : 'no metrics'} but not '${metric}', ` +
        `the metric set in tuneConfig.metric (or used by the scheduler / stopper). ` +
        `Report it with tune.report({ ${metric}: ... }) or change tuneConfig.metric.`,
    );
    this.metric = metric;
    this.reported = reported;
  }
}

/** The trainable cannot be sent to trial actors (not exported from a module). */
export class TrainableNotFoundError extends TuneError {
  override readonly code = 'TUNE_TRAINABLE_NOT_FOUND';
  /** Name of the trainable. */
  readonly trainableName: string;
  constructor(trainableName: string, detail: string) {
    super(
      `Trainable '${trainableName}' cannot run in trial actors: ${detail}. ` +
        `Define it at the top level of an ES module and export it (export async function train(config) {...}), ` +
        `then pass it to new Tuner() from that module or a module that imports it.`,
    );
    this.trainableName = trainableName;
  }
}

/** A trial's trainable threw (or its actor died); `cause` is the original error. */
export class TrialError extends TuneError {
  override readonly code = 'TUNE_TRIAL_ERROR';
  /** Id of the trial that failed. */
  readonly trialId: string;
  constructor(trialId: string, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`Trial ${trialId} failed: ${inner}. The other trials went on; the original error is in \`cause\`.`, { cause });
    this.trialId = trialId;
  }
}

/** An experiment directory could not be restored. */
export class TuneRestoreError extends TuneError {
  override readonly code = 'TUNE_RESTORE_ERROR';
  /** The directory that was given. */
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(`Cannot restore the experiment at ${path}: ${detail}. Pass the directory <storagePath>/<name> of a previous fit().`, options);
    this.path = path;
  }
}

/** A callback of `runConfig.callbacks` threw; emitted once per callback as a process warning (the sweep goes on). */
export class TuneCallbackError extends TuneError {
  override readonly code = 'TUNE_CALLBACK_ERROR';
  /** The callback's class name (or `callback`). */
  readonly callbackName: string;
  /** The hook that threw (`setup`, `onReport`, `onTrialResult`, ..., or `factory`). */
  readonly hook: string;
  constructor(callbackName: string, hook: string, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`${callbackName}.${hook} threw (${inner}); the sweep goes on and later failures of this callback are not reported. Fix the callback, or catch inside it.`, { cause });
    this.callbackName = callbackName;
    this.hook = hook;
  }
}

for (const cls of [TuneError, SearchSpaceError, TuneMetricError, TrainableNotFoundError, TrialError, TuneRestoreError, TuneCallbackError]) {
  registerErrorClass(cls);
}
