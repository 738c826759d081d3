/**
 * The Tuner's options (Ray's TuneConfig and RunConfig), checked and resolved once into
 * frozen, complete objects. A bad field throws TypeError/RangeError naming it.
 */
import { resolve } from 'node:path';
import { homedir } from 'node:os';
import { BasicVariantGenerator } from '../search/variant-generator.js';
import type { Searcher } from '../search/searcher.js';
import { FIFOScheduler, type TrialResult, type TrialScheduler } from '../schedulers/scheduler.js';
import { checkCallbacks, type Callback, type TrialLoggerFactory, type TuneCallback } from './callbacks.js';

/** Stop a trial when a result reaches any of these values (`>=`), or when the function returns true. */
export type StopCriteria = Record<string, number> | ((trialId: string, result: TrialResult) => boolean);

/** How the sweep is searched and scheduled (Ray's TuneConfig). */
export interface TuneConfig {
  /** Metric to optimise; schedulers and `getBestResult` use it. @default none */
  metric?: string;
  /** Whether `metric` is minimised or maximised. @default none (required with metric) */
  mode?: 'min' | 'max';
  /** Samples of the param space (grids are repeated this many times). @default 1 */
  numSamples?: number;
  /** Early-stopping policy. @default FIFOScheduler (none) */
  scheduler?: TrialScheduler;
  /** Search algorithm. @default BasicVariantGenerator (grid + random) */
  searchAlg?: Searcher;
  /** Trials running at once. @default cluster CPUs / CPUs per trial */
  maxConcurrentTrials?: number;
  /** Run the next trial in the actor of a finished one instead of starting a new process (module-level state of the trainable's module persists). @default true */
  reuseActors?: boolean;
  /** Wall-clock budget of the whole sweep in seconds; then running trials stop and no new ones start. @default none */
  timeBudgetS?: number;
}

/** Class trainables' checkpointing. */
export interface CheckpointConfig {
  /** Save a checkpoint every this many steps (0: never). @default 0 */
  checkpointFrequency?: number;
}

/** Where and how long the sweep runs (Ray's RunConfig). */
export interface RunConfig {
  /** Experiment name, the directory under storagePath. @default 'tune_<date>' */
  name?: string;
  /** Root of experiment directories. @default '~/ray_results' */
  storagePath?: string;
  /** Per-trial stopping criteria. @default none */
  stop?: StopCriteria;
  /** Checkpointing of class trainables. */
  checkpointConfig?: CheckpointConfig;
  /** Progress output: 0 none; 1 a live table of the trials when stdout is a TTY (quiet otherwise); 2 the table even when stdout is not a TTY. @default 1 */
  verbose?: 0 | 1 | 2;
  /** Seconds between progress tables. @default 1 */
  progressIntervalS?: number;
  /**
   * Per-trial loggers as factories (`() => new MLflowLoggerCallback({...})`: one instance per
   * trial, `setup`/`onReport`/`teardown`) and experiment callbacks (objects with
   * `onTrialStart`/`onTrialResult`/`onTrialComplete`/`onTrialError`/`onExperimentEnd`).
   * result.json, params.json and progress.csv are always written. @default []
   */
  callbacks?: readonly TuneCallback[];
}

/** @internal Resolved options. */
export interface ResolvedConfig {
  metric: string | undefined;
  mode: 'min' | 'max' | undefined;
  numSamples: number;
  scheduler: TrialScheduler;
  searchAlg: Searcher;
  maxConcurrentTrials: number | undefined;
  timeBudgetS: number | undefined;
  reuseActors: boolean;
  name: string;
  storagePath: string;
  stop: StopCriteria | undefined;
  checkpointFrequency: number;
  verbose: 0 | 1 | 2;
  progressIntervalS: number;
  loggerFactories: readonly TrialLoggerFactory[];
  callbacks: readonly Callback[];
}

const TUNE_KEYS = new Set(['metric', 'mode', 'numSamples', 'scheduler', 'searchAlg', 'maxConcurrentTrials', 'timeBudgetS', 'reuseActors']);
const RUN_KEYS = new Set(['name', 'storagePath', 'stop', 'checkpointConfig', 'verbose', 'progressIntervalS', 'callbacks']);

function checkKeys(owner: string, obj: object, keys: Set<string>): void {
  for (const k of Object.keys(obj)) if (!keys.has(k)) throw new TypeError(`${owner}.${k} is not an option (known: ${[...keys].join(', ')})`);
}

function posInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(v)}`);
  return v;
}

/** Checks and completes the Tuner's options. */
export function resolveConfig(tc: TuneConfig = {}, rc: RunConfig = {}): Readonly<ResolvedConfig> {
  checkKeys('tuneConfig', tc, TUNE_KEYS);
  checkKeys('runConfig', rc, RUN_KEYS);
  if (tc.metric !== undefined && (typeof tc.metric !== 'string' || !tc.metric)) throw new TypeError('tuneConfig.metric must be a non-empty string');
  if (tc.mode !== undefined && tc.mode !== 'min' && tc.mode !== 'max') throw new TypeError(`tuneConfig.mode must be 'min' or 'max', got ${String(tc.mode)}`);
  if ((tc.metric === undefined) !== (tc.mode === undefined)) throw new TypeError('tuneConfig.metric and tuneConfig.mode go together: set both or neither');
  if (tc.timeBudgetS !== undefined && !(typeof tc.timeBudgetS === 'number' && tc.timeBudgetS > 0)) throw new RangeError(`tuneConfig.timeBudgetS must be > 0, got ${tc.timeBudgetS}`);
  if (tc.scheduler !== undefined && typeof tc.scheduler?.onTrialResult !== 'function') throw new TypeError('tuneConfig.scheduler must be a scheduler (e.g. new tune.ASHAScheduler())');
  if (tc.searchAlg !== undefined && typeof tc.searchAlg?.suggest !== 'function') throw new TypeError('tuneConfig.searchAlg must be a searcher (e.g. new tune.BasicVariantGenerator())');
  if (tc.reuseActors !== undefined && typeof tc.reuseActors !== 'boolean') throw new TypeError('tuneConfig.reuseActors must be a boolean');
  if (rc.name !== undefined && (typeof rc.name !== 'string' || !/^[\w.-]+$/.test(rc.name))) throw new TypeError(`runConfig.name must be a plain directory name, got ${String(rc.name)}`);
  if (rc.storagePath !== undefined && typeof rc.storagePath !== 'string') throw new TypeError('runConfig.storagePath must be a string');
  if (rc.stop !== undefined && typeof rc.stop !== 'function') {
    if (rc.stop === null || typeof rc.stop !== 'object') throw new TypeError('runConfig.stop must be an object of thresholds or a function');
    for (const [k, v] of Object.entries(rc.stop)) if (typeof v !== 'number') throw new TypeError(`runConfig.stop.${k} must be a number, got ${String(v)}`);
  }
  if (rc.verbose !== undefined && rc.verbose !== 0 && rc.verbose !== 1 && rc.verbose !== 2) throw new RangeError(`runConfig.verbose must be 0, 1 or 2, got ${String(rc.verbose)}`);
  if (rc.progressIntervalS !== undefined && !(typeof rc.progressIntervalS === 'number' && rc.progressIntervalS > 0)) {
    throw new RangeError(`runConfig.progressIntervalS must be a number > 0, got ${String(rc.progressIntervalS)}`);
  }
  const { factories, callbacks } = checkCallbacks(rc.callbacks);
  const freq = rc.checkpointConfig?.checkpointFrequency ?? 0;
  if (!Number.isInteger(freq) || freq < 0) throw new RangeError(`runConfig.checkpointConfig.checkpointFrequency must be an integer >= 0, got ${freq}`);
  return Object.freeze({
    metric: tc.metric,
    mode: tc.mode,
    numSamples: posInt('tuneConfig.numSamples', tc.numSamples ?? 1),
    scheduler: tc.scheduler ?? new FIFOScheduler(),
    searchAlg: tc.searchAlg ?? new BasicVariantGenerator(),
    maxConcurrentTrials: tc.maxConcurrentTrials === undefined ? undefined : posInt('tuneConfig.maxConcurrentTrials', tc.maxConcurrentTrials),
    timeBudgetS: tc.timeBudgetS,
    reuseActors: tc.reuseActors ?? true,
    name: rc.name ?? `tune_${new Date().toISOString().replace(/[:.]/g, '-')}`,
    storagePath: resolve(rc.storagePath ?? `${homedir()}/ray_results`),
    stop: rc.stop,
    checkpointFrequency: freq,
    verbose: rc.verbose ?? 1,
    progressIntervalS: rc.progressIntervalS ?? 1,
    loggerFactories: Object.freeze(factories),
    callbacks: Object.freeze(callbacks),
  });
}
