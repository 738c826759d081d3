/**
 * The callback interface of Train runs. It is structural (plain hooks, no base class
 * to import), so Tune can accept the same objects for its trials without importing
 * Train: anything with some of these methods is a callback.
 */
import type { S3Options } from '@ray-ts/data';
import type { Checkpoint } from '../checkpoint/checkpoint.js';

/** The run a callback is set up for. */
export interface RunInfo {
  /** Name of the run (or trial). */
  name: string;
  /** The run directory: a local path or `s3://bucket/prefix/name`. */
  path: string;
  /** The run's config (train loop config, trial params), as logged to `params.json`. */
  config: Record<string, unknown>;
  /** S3 settings of the run storage when `path` is `s3://`. @default the callback's own `s3` option, then env */
  s3?: S3Options;
}

/** One report of the run. */
export interface ReportInfo {
  /** Metrics reported (rank 0's). */
  metrics: Record<string, unknown>;
  /** The checkpoint persisted with this report, if any. */
  checkpoint?: Checkpoint;
  /** 1-based number of the report (Ray's `training_iteration`). */
  iteration: number;
  /** When the report was made, in milliseconds since the epoch (`Date.now()`). */
  timestamp: number;
}

/** How the run ended. */
export interface RunOutcome {
  /** The error that ended the run, when it failed. */
  error?: Error;
  /** The last reported metrics, when it succeeded. */
  metrics?: Record<string, unknown>;
}

/**
 * Hooks called on the driver around a run. Every hook is optional and may be async;
 * the run awaits it. Built-in loggers never throw from a hook: logging I/O errors are
 * reported once as a process warning ({@link CallbackIOError}) and training goes on.
 */
export interface TrainCallback {
  /** Before the first report. */
  setup?(run: RunInfo): void | Promise<void>;
  /** After each report. */
  onReport?(report: ReportInfo): void | Promise<void>;
  /** When the run ends, successfully or not. */
  teardown?(outcome: RunOutcome): void | Promise<void>;
}
