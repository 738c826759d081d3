/**
 * Shared base of the built-in loggers: runs each hook's I/O under a guard so a logging
 * failure never kills training. The first failure is emitted as a process warning (a
 * {@link CallbackIOError}); later ones are only counted in {@link LoggerCallback.failures}.
 */
import { resolveS3Options, type S3Options } from '@ray-ts/data';
import { CallbackIOError } from '../checkpoint/errors.js';
import type { ReportInfo, RunInfo, RunOutcome, TrainCallback } from './callback.js';

/** Base class of the built-in logging callbacks. */
export abstract class LoggerCallback implements TrainCallback {
  /** How many logging operations failed so far. */
  failures = 0;
  private warned = false;

  /** @param s3Option the callback's own `s3` option (used when the run brings none) */
  protected constructor(private readonly s3Option: S3Options | undefined) {}

  /** S3 settings for a run: the run's, else the callback's option, else env. */
  protected s3For(run: RunInfo): S3Options {
    return resolveS3Options(run.s3 ?? this.s3Option ?? {});
  }

  /** Runs `fn`; on failure counts it and warns once. Never throws. */
  protected async guard(operation: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.failures++;
      if (!this.warned) {
        this.warned = true;
        process.emitWarning(new CallbackIOError(this.constructor.name, operation, err));
      }
    }
  }

  /** @inheritDoc */
  abstract setup(run: RunInfo): Promise<void>;
  /** @inheritDoc */
  abstract onReport(report: ReportInfo): Promise<void>;
  /** @inheritDoc */
  abstract teardown(outcome: RunOutcome): Promise<void>;
}
