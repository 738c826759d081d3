/**
 * Ray Tune's `JsonLoggerCallback`: writes the run's config to `params.json` and appends
 * one JSON line per report to `result.json` in the run directory (local or S3).
 */
import type { S3Options } from '@ray-ts/data';
import { joinStorage } from '../storage/paths.js';
import { toJsonSafe } from '../storage/json-safe.js';
import type { ReportInfo, RunInfo, RunOutcome } from './callback.js';
import { LoggerCallback } from './logger-callback.js';
import { RunTextFile } from './run-file.js';

/** Options of the file loggers ({@link JsonLoggerCallback}, `CsvLoggerCallback`). */
export interface FileLoggerOptions {
  /** S3 settings for `s3://` run paths when the run brings none. @default env via `resolveS3Options` */
  s3?: S3Options;
}

/** Checks the options shared by the file loggers. */
export function checkFileLoggerOptions(options: FileLoggerOptions): S3Options | undefined {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  if (options.s3 !== undefined && (typeof options.s3 !== 'object' || options.s3 === null)) throw new TypeError('options.s3 must be an S3Options object');
  return options.s3 ? Object.freeze({ ...options.s3 }) : undefined;
}

/**
 * The row logged for a report: the metrics, plus `training_iteration`, `timestamp`
 * (ms since the epoch) and `checkpoint_dir_name` (when a checkpoint came with it) unless
 * the metrics already have those keys.
 */
export function reportRow(report: ReportInfo): Record<string, unknown> {
  const row: Record<string, unknown> = { ...report.metrics };
  row.training_iteration ??= report.iteration;
  row.timestamp ??= report.timestamp;
  if (report.checkpoint && row.checkpoint_dir_name === undefined) {
    row.checkpoint_dir_name = report.checkpoint.path.replace(/[/\\]+$/, '').split(/[/\\]/).pop();
  }
  return row;
}

/** Logs reports as JSON lines to `<run>/result.json` and the config to `<run>/params.json`. */
export class JsonLoggerCallback extends LoggerCallback {
  private file: RunTextFile | undefined;

  /** @throws TypeError naming a bad option. */
  constructor(options: FileLoggerOptions = {}) {
    super(checkFileLoggerOptions(options));
  }

  /** Writes `params.json` and opens `result.json` for appending (a resumed run continues it). */
  async setup(run: RunInfo): Promise<void> {
    const s3 = this.s3For(run);
    const file = new RunTextFile(joinStorage(run.path, 'result.json'), s3);
    this.file = file;
    await this.guard('setup', async () => {
      await file.open();
      await new RunTextFile(joinStorage(run.path, 'params.json'), s3).rewrite(`${toJsonSafe(run.config ?? {}, 2)}\n`);
    });
  }

  /** Appends the report as one JSON line. */
  async onReport(report: ReportInfo): Promise<void> {
    const file = this.file;
    if (!file) return;
    await this.guard('onReport', () => file.append(`${toJsonSafe(reportRow(report))}\n`));
  }

  /** Nothing to flush: every line is written when reported. */
  async teardown(_outcome: RunOutcome): Promise<void> {
    this.file = undefined;
  }
}
