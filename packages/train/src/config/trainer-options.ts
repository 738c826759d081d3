/**
 * A trainer's options (Ray Train's ScalingConfig, RunConfig, FailureConfig, DataConfig),
 * checked and resolved once, at construction, into frozen complete objects. A bad field
 * throws TypeError/RangeError naming it.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Dataset, S3Options } from '@ray-ts/data';
import { isS3Path } from '@ray-ts/data';
import type { TrainCallback } from '../callbacks/callback.js';
import { resolveCheckpointConfig, type CheckpointConfig, type ResolvedCheckpointConfig } from '../checkpoint/checkpoint-config.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';

/** How many workers train, and what each holds (Ray's ScalingConfig). */
export interface ScalingConfig {
  /** Workers (actors), each running the training loop. @default 1 */
  numWorkers?: number;
  /** Give each worker one GPU. @default false */
  useGpu?: boolean;
  /** Resources each worker holds, e.g. `{ CPU: 2 }`. @default { CPU: 1 } (plus `GPU: 1` with useGpu) */
  resourcesPerWorker?: Record<string, number>;
  /** How the workers' placement group spreads over nodes. @default 'PACK' */
  placementStrategy?: 'PACK' | 'SPREAD' | 'STRICT_PACK' | 'STRICT_SPREAD';
}

/** How a run survives failures (Ray's FailureConfig). */
export interface FailureConfig {
  /** Restarts of the worker group after a worker dies or the loop throws; -1 for unlimited. @default 0 */
  maxFailures?: number;
}

/** Where a run writes and what it keeps (Ray's RunConfig). */
export interface RunConfig {
  /** Run name: its directory under storagePath. @default 'train_<date>' */
  name?: string;
  /** Root of run directories: a local path or `s3://bucket/prefix`. @default '~/ray_results' */
  storagePath?: string;
  /** S3 settings for `s3://` storage (endpoint etc.). @default from the environment */
  s3?: S3Options;
  /** Failure handling. */
  failureConfig?: FailureConfig;
  /** Which checkpoints are kept. */
  checkpointConfig?: CheckpointConfig;
  /** Called on the driver at setup, on each report and at the end (JSON/CSV/MLflow loggers). @default [] */
  callbacks?: TrainCallback[];
  /**
   * Progress on stderr, from the reports the driver receives: 0 nothing; 1 a line redrawn
   * in place (report, epoch, elapsed time, latest metrics) when stderr is a TTY, nothing
   * otherwise; 2 as 1, and one plain line per report when stderr is not a TTY (logs, CI).
   * Runs of Tune trials print nothing (Tune shows its own table).
   * @default 1
   */
  verbose?: 0 | 1 | 2;
}

/** Which datasets are split between workers (Ray's DataConfig). */
export interface DataConfig {
  /** Datasets split into one shard per worker; the others are read whole by every worker. @default 'all' */
  datasetsToSplit?: 'all' | string[];
}

/** Options of {@link DataParallelTrainer}. */
export interface DataParallelTrainerOptions<C = Record<string, unknown>> {
  /** The config passed to the training loop. @default {} */
  trainLoopConfig?: C;
  /** Workers and their resources. */
  scalingConfig?: ScalingConfig;
  /** Name, storage, failure handling, checkpoints, callbacks. */
  runConfig?: RunConfig;
  /** Datasets, read in the loop with `getDatasetShard(name)`. @default {} */
  datasets?: Record<string, Dataset>;
  /** Which datasets are split. */
  datasetConfig?: DataConfig;
  /** A checkpoint the loop starts from (`getCheckpoint()`), when the run has none of its own. */
  resumeFromCheckpoint?: Checkpoint;
}

/** @internal Resolved options. */
export interface ResolvedTrainerOptions {
  readonly trainLoopConfig: unknown;
  readonly numWorkers: number;
  readonly bundle: Readonly<Record<string, number>>;
  readonly useGpu: boolean;
  readonly placementStrategy: 'PACK' | 'SPREAD' | 'STRICT_PACK' | 'STRICT_SPREAD';
  readonly name: string;
  readonly storagePath: string;
  readonly s3: S3Options | undefined;
  readonly maxFailures: number;
  readonly checkpointConfig: ResolvedCheckpointConfig;
  readonly callbacks: readonly TrainCallback[];
  readonly verbose: 0 | 1 | 2;
  readonly datasets: Readonly<Record<string, Dataset>>;
  readonly datasetsToSplit: 'all' | readonly string[];
  readonly resumeFromCheckpoint: Checkpoint | undefined;
}

const TOP_KEYS = ['trainLoopConfig', 'scalingConfig', 'runConfig', 'datasets', 'datasetConfig', 'resumeFromCheckpoint'];
const SCALING_KEYS = ['numWorkers', 'useGpu', 'resourcesPerWorker', 'placementStrategy'];
const RUN_KEYS = ['name', 'storagePath', 's3', 'failureConfig', 'checkpointConfig', 'callbacks', 'verbose'];
const STRATEGIES = ['PACK', 'SPREAD', 'STRICT_PACK', 'STRICT_SPREAD'];

function object(where: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${where} must be an object`);
  return v as Record<string, unknown>;
}

function checkKeys(where: string, obj: Record<string, unknown>, keys: string[]): void {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) throw new TypeError(`${where}.${k} is not an option (known: ${keys.join(', ')})`);
}

function intAtLeast(where: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where} must be an integer, got ${String(v)}`);
  if (v < min) throw new RangeError(`${where} must be >= ${min}, got ${v}`);
  return v;
}

function resources(where: string, v: unknown, useGpu: boolean): Record<string, number> {
  const out: Record<string, number> = v === undefined ? { CPU: 1 } : {};
  for (const [k, n] of Object.entries(object(where, v))) {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new RangeError(`${where}.${k} must be a number >= 0, got ${String(n)}`);
    if (n > 0) out[k] = n;
  }
  if (useGpu && !(out.GPU! > 0)) out.GPU = 1;
  if (Object.keys(out).length === 0) throw new RangeError(`${where} must ask for some resource (e.g. { CPU: 1 })`);
  return out;
}

function defaultName(): string {
  return `train_${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '_')}`;
}

/** Checks and completes a trainer's options. */
export function resolveTrainerOptions(options: DataParallelTrainerOptions<unknown> | undefined): ResolvedTrainerOptions {
  const top = object('trainer options', options);
  checkKeys('trainer options', top, TOP_KEYS);
  const scaling = object('scalingConfig', top.scalingConfig);
  checkKeys('scalingConfig', scaling, SCALING_KEYS);
  const run = object('runConfig', top.runConfig);
  checkKeys('runConfig', run, RUN_KEYS);
  const failure = object('runConfig.failureConfig', run.failureConfig);
  checkKeys('runConfig.failureConfig', failure, ['maxFailures']);
  const dataConfig = object('datasetConfig', top.datasetConfig);
  checkKeys('datasetConfig', dataConfig, ['datasetsToSplit']);

  const numWorkers = scaling.numWorkers === undefined ? 1 : intAtLeast('scalingConfig.numWorkers', scaling.numWorkers, 1);
  if (scaling.useGpu !== undefined && typeof scaling.useGpu !== 'boolean') throw new TypeError('scalingConfig.useGpu must be a boolean');
  const useGpu = scaling.useGpu === true;
  const strategy = (scaling.placementStrategy ?? 'PACK') as ResolvedTrainerOptions['placementStrategy'];
  if (!STRATEGIES.includes(strategy)) throw new TypeError(`scalingConfig.placementStrategy must be one of ${STRATEGIES.join(', ')}, got '${String(strategy)}'`);

  if (run.name !== undefined && (typeof run.name !== 'string' || !/^[\w.-]+$/.test(run.name))) {
    throw new TypeError(`runConfig.name must be a non-empty string of letters, digits, '_', '-' and '.', got ${JSON.stringify(run.name)}`);
  }
  if (run.storagePath !== undefined && (typeof run.storagePath !== 'string' || run.storagePath === '')) throw new TypeError('runConfig.storagePath must be a non-empty string');
  const rawStorage = (run.storagePath as string | undefined) ?? resolve(homedir(), 'ray_results');
  const storagePath = isS3Path(rawStorage) ? rawStorage.replace(/\/+$/, '') : resolve(rawStorage);
  const maxFailures = failure.maxFailures === undefined ? 0 : intAtLeast('runConfig.failureConfig.maxFailures', failure.maxFailures, -1);
  const callbacks = run.callbacks === undefined ? [] : run.callbacks;
  if (!Array.isArray(callbacks) || callbacks.some((c) => c === null || typeof c !== 'object')) throw new TypeError('runConfig.callbacks must be an array of callback objects');

  const verbose = run.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new RangeError(`runConfig.verbose must be 0, 1 or 2, got ${String(verbose)}`);

  const datasets = object('datasets', top.datasets) as Record<string, Dataset>;
  for (const [k, ds] of Object.entries(datasets)) {
    if (ds === null || typeof ds !== 'object' || typeof (ds as Dataset).streamingSplit !== 'function') throw new TypeError(`datasets.${k} must be a Dataset from @ray-ts/data`);
  }
  const split = dataConfig.datasetsToSplit ?? 'all';
  if (split !== 'all' && !(Array.isArray(split) && split.every((s) => typeof s === 'string'))) throw new TypeError("datasetConfig.datasetsToSplit must be 'all' or an array of dataset names");
  if (Array.isArray(split)) for (const s of split) if (!(s in datasets)) throw new RangeError(`datasetConfig.datasetsToSplit names '${s}', which is not in datasets (${Object.keys(datasets).join(', ') || 'none'})`);
  const resume = top.resumeFromCheckpoint as Checkpoint | undefined;
  if (resume !== undefined && (resume === null || typeof resume !== 'object' || typeof resume.path !== 'string')) throw new TypeError('resumeFromCheckpoint must be a Checkpoint');

  return Object.freeze({
    trainLoopConfig: top.trainLoopConfig ?? {},
    numWorkers,
    bundle: Object.freeze(resources('scalingConfig.resourcesPerWorker', scaling.resourcesPerWorker, useGpu)),
    useGpu,
    placementStrategy: strategy,
    name: (run.name as string | undefined) ?? defaultName(),
    storagePath,
    s3: run.s3 as S3Options | undefined,
    maxFailures,
    checkpointConfig: resolveCheckpointConfig(run.checkpointConfig as CheckpointConfig | undefined),
    callbacks: Object.freeze([...(callbacks as TrainCallback[])]),
    verbose,
    datasets: Object.freeze({ ...datasets }),
    datasetsToSplit: Array.isArray(split) ? Object.freeze([...split]) : 'all',
    resumeFromCheckpoint: resume,
  });
}
