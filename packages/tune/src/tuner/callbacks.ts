/**
 * Callbacks of a sweep (`runConfig.callbacks`), of two kinds:
 *
 * - **Per-trial loggers**, given as factories `() => logger`: the controller makes one
 *   logger per trial and calls `setup` when the trial first starts, `onReport` on each
 *   result and `teardown` when the trial ends. The shape ({@link TrialLoggerLike}) is the
 *   one of Train's `TrainCallback`, declared here structurally (Tune does not import Train),
 *   so `() => new MLflowLoggerCallback({...})` from `@ray-ts/train` fits as it is.
 * - **Experiment callbacks** ({@link Callback}, Ray's `tune.Callback`): one object sees
 *   every trial start, result, completion and error, and the end of the experiment.
 *
 * Hooks run on the driver and are awaited. A hook that throws never stops the sweep: the
 * first failure of each callback is emitted as a process warning ({@link TuneCallbackError}).
 */
import { TuneCallbackError } from '../errors.js';
import type { TrialResult } from '../schedulers/scheduler.js';
import { isClass } from '../trainable/trainable.js';
import type { TrialStatus } from './experiment-state.js';

/** The trial a per-trial logger is set up for (Train's `RunInfo`). */
export interface TrialRunInfo {
  /** The trial id. */
  name: string;
  /** The trial's directory (`<storagePath>/<name>/<trialId>`). */
  path: string;
  /** The trial's config (as in params.json). */
  config: Record<string, unknown>;
}

/** One result of a trial (Train's `ReportInfo`). */
export interface TrialReportInfo {
  /** The whole result: the trainable's metrics and Tune's fields (`trainingIteration`, `timeTotalS`, ...). */
  metrics: Record<string, unknown>;
  /** The checkpoint saved with this result: its directory (`<trial>/checkpoint_<iter>`). */
  checkpoint?: { readonly path: string };
  /** The result's `trainingIteration`. */
  iteration: number;
  /** When the driver got the result, in milliseconds since the epoch. */
  timestamp: number;
}

/** How a trial ended (Train's `RunOutcome`). */
export interface TrialRunOutcome {
  /** Why it failed (a `TrialError`), for errored trials. */
  error?: Error;
  /** Its last result, for trials that ended without error. */
  metrics?: Record<string, unknown>;
}

/**
 * A per-trial logger: structurally Train's `TrainCallback`, so Train's JSON, CSV and MLflow
 * logger callbacks are ones. Every hook is optional and may be async (it is awaited).
 */
export interface TrialLoggerLike {
  /** When the trial first starts (not again when a paused trial resumes). */
  setup?(run: TrialRunInfo): void | Promise<void>;
  /** After each result of the trial. */
  onReport?(report: TrialReportInfo): void | Promise<void>;
  /** When the trial ends: finished, stopped or errored (not when it is paused). */
  teardown?(outcome: TrialRunOutcome): void | Promise<void>;
}

/** Makes one {@link TrialLoggerLike} per trial: `() => new MLflowLoggerCallback({...})` (a class with a no-argument constructor works too). */
export type TrialLoggerFactory = (() => TrialLoggerLike) | (new () => TrialLoggerLike);

/** A trial as experiment callbacks see it (a snapshot). */
export interface CallbackTrial {
  readonly trialId: string;
  readonly config: Record<string, unknown>;
  readonly status: TrialStatus;
  /** The trial's directory. */
  readonly path: string;
  /** Its latest result. */
  readonly lastResult: TrialResult | undefined;
  /** Why it failed, for errored trials. */
  readonly error: Error | undefined;
}

/**
 * An experiment-level callback (Ray's `tune.Callback`). Every hook is optional and may be
 * async (it is awaited before the sweep goes on).
 */
export interface Callback {
  /** Each time a trial starts running (again after a pause or a restore). */
  onTrialStart?(trial: CallbackTrial): void | Promise<void>;
  /** After each result (before the scheduler's decision on it is applied). */
  onTrialResult?(trial: CallbackTrial, result: TrialResult): void | Promise<void>;
  /** A trial ended without error (finished, or stopped by a scheduler or stop criterion). */
  onTrialComplete?(trial: CallbackTrial): void | Promise<void>;
  /** A trial failed. */
  onTrialError?(trial: CallbackTrial, error: Error): void | Promise<void>;
  /** Every trial has ended. */
  onExperimentEnd?(trials: readonly CallbackTrial[]): void | Promise<void>;
}

/** What `runConfig.callbacks` holds. */
export type TuneCallback = Callback | TrialLoggerFactory;

const EXPERIMENT_HOOKS = ['onTrialStart', 'onTrialResult', 'onTrialComplete', 'onTrialError', 'onExperimentEnd'] as const;
const LOGGER_HOOKS = ['setup', 'onReport', 'teardown'] as const;

/**
 * Checks `runConfig.callbacks` and splits it into factories and experiment callbacks.
 * @throws TypeError naming the entry that is neither
 */
export function checkCallbacks(list: unknown): { factories: TrialLoggerFactory[]; callbacks: Callback[] } {
  if (list === undefined) return { factories: [], callbacks: [] };
  if (!Array.isArray(list)) throw new TypeError('runConfig.callbacks must be an array');
  const factories: TrialLoggerFactory[] = [];
  const callbacks: Callback[] = [];
  list.forEach((c: unknown, i) => {
    const field = `runConfig.callbacks[${i}]`;
    if (typeof c === 'function') factories.push(c as TrialLoggerFactory);
    else if (c !== null && typeof c === 'object' && EXPERIMENT_HOOKS.some((h) => typeof (c as Record<string, unknown>)[h] === 'function')) callbacks.push(c as Callback);
    else if (c !== null && typeof c === 'object' && LOGGER_HOOKS.some((h) => typeof (c as Record<string, unknown>)[h] === 'function')) {
      throw new TypeError(`${field} is a per-run logger (setup/onReport/teardown): pass a factory, e.g. () => new ${c.constructor?.name ?? 'Logger'}(...), so that each trial gets its own`);
    } else throw new TypeError(`${field} must be a logger factory (() => ({ setup, onReport, teardown })) or a callback with onTrialStart/onTrialResult/onTrialComplete/onTrialError/onExperimentEnd`);
  });
  return { factories, callbacks };
}

function label(x: unknown): string {
  const name = (x as { constructor?: { name?: string } })?.constructor?.name;
  return name && name !== 'Object' ? name : 'callback';
}

/** @internal Calls the callbacks of one sweep: per-trial loggers and experiment callbacks. */
export class CallbackRunner {
  private readonly loggers = new Map<string, TrialLoggerLike[]>();
  private readonly warned = new Set<unknown>();
  private pending: Promise<void>[] = [];
  /** How many hook calls threw. */
  failures = 0;

  constructor(
    private readonly factories: readonly TrialLoggerFactory[],
    private readonly callbacks: readonly Callback[],
  ) {}

  /** True when there is nothing to call. */
  get empty(): boolean {
    return this.factories.length === 0 && this.callbacks.length === 0;
  }

  private async guard(owner: unknown, hook: string, fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.failures++;
      if (this.warned.has(owner)) return;
      this.warned.add(owner);
      process.emitWarning(new TuneCallbackError(label(owner), hook, err));
    }
  }

  private async each(hook: (typeof EXPERIMENT_HOOKS)[number], call: (c: Callback) => unknown): Promise<void> {
    for (const c of this.callbacks) if (typeof c[hook] === 'function') await this.guard(c, hook, () => call(c));
  }

  /** The trial starts running: makes and sets up its loggers the first time, then tells the callbacks. */
  async trialStart(trial: CallbackTrial): Promise<void> {
    if (this.empty) return;
    if (!this.loggers.has(trial.trialId)) {
      const made: TrialLoggerLike[] = [];
      for (const f of this.factories) {
        await this.guard(f, 'factory', () => {
          const logger = isClass(f) ? new (f as new () => TrialLoggerLike)() : (f as () => TrialLoggerLike)();
          if (logger === null || typeof logger !== 'object') throw new TypeError(`a runConfig.callbacks factory returned ${String(logger)}, not a logger object`);
          made.push(logger);
        });
      }
      this.loggers.set(trial.trialId, made);
      for (const l of made) if (l.setup) await this.guard(l, 'setup', () => l.setup!({ name: trial.trialId, path: trial.path, config: structuredClone(trial.config) }));
    }
    await this.each('onTrialStart', (c) => c.onTrialStart!(trial));
  }

  /** One result of a running trial. */
  async trialResult(trial: CallbackTrial, result: TrialResult, checkpointDir: string | undefined): Promise<void> {
    if (this.empty) return;
    const report: TrialReportInfo = { metrics: { ...result }, iteration: Number(result.trainingIteration), timestamp: Date.now() };
    if (checkpointDir) report.checkpoint = { path: checkpointDir };
    for (const l of this.loggers.get(trial.trialId) ?? []) if (l.onReport) await this.guard(l, 'onReport', () => l.onReport!(report));
    await this.each('onTrialResult', (c) => c.onTrialResult!(trial, result));
  }

  /** The trial ended (TERMINATED or ERROR): tears its loggers down and tells the callbacks. */
  async trialEnd(trial: CallbackTrial): Promise<void> {
    if (this.empty) return;
    const loggers = this.loggers.get(trial.trialId) ?? [];
    this.loggers.delete(trial.trialId);
    const outcome: TrialRunOutcome = trial.error ? { error: trial.error } : trial.lastResult ? { metrics: { ...trial.lastResult } } : {};
    for (const l of loggers) if (l.teardown) await this.guard(l, 'teardown', () => l.teardown!(outcome));
    if (trial.status === 'ERROR') await this.each('onTrialError', (c) => c.onTrialError!(trial, trial.error ?? new Error('trial failed')));
    else await this.each('onTrialComplete', (c) => c.onTrialComplete!(trial));
  }

  /** {@link trialEnd} from synchronous code (a paused trial stopped by a scheduler); awaited by {@link experimentEnd}. */
  trialEndLater(trial: CallbackTrial): void {
    if (!this.empty) this.pending.push(this.trialEnd(trial));
  }

  /** Waits for pending teardowns, tears down loggers of trials that never ended (time budget), then calls `onExperimentEnd`. */
  async experimentEnd(trials: readonly CallbackTrial[]): Promise<void> {
    if (this.empty) return;
    while (this.pending.length) await Promise.all(this.pending.splice(0));
    for (const [trialId, loggers] of [...this.loggers]) {
      this.loggers.delete(trialId);
      const last = trials.find((t) => t.trialId === trialId)?.lastResult;
      for (const l of loggers) if (l.teardown) await this.guard(l, 'teardown', () => l.teardown!(last ? { metrics: { ...last } } : {}));
    }
    await this.each('onExperimentEnd', (c) => c.onExperimentEnd!(trials));
  }
}
