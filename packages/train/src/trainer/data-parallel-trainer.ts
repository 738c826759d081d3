/**
 * DataParallelTrainer (Ray Train's): runs a training loop on N workers that share a
 * collective group, collects their reports, keeps checkpoints, and restarts the group
 * from the latest checkpoint when a worker dies or the loop throws (up to maxFailures).
 */
import * as ray from '@ray-ts/core';
import type { S3Options } from '@ray-ts/data';
import { fileURLToPath } from 'node:url';
import { resolveTrainerOptions, type DataParallelTrainerOptions, type ResolvedTrainerOptions } from '../config/trainer-options.js';
import { TrainAbortedError, TrainDataResourceError, TrainLoopNotFoundError, TrainRestoreError, TrainingFailedError } from '../errors.js';
import { TrainProgressReporter } from '../callbacks/progress-reporter.js';
import { RunStorage } from '../storage/run-storage.js';
import type { FrameworkSetup } from './frameworks.js';
import type { Result } from './result.js';
import { RunAttempt } from './run-attempt.js';
import { RunState, STATE_FILE } from './run-state.js';
import { DATA_CPUS_PER_TRIAL, runTrainerTrial, TUNE_TRIAL_MODULE, type TrainerTrialArgs } from './tune-trial.js';

/** A training loop: runs in every worker, with `trainLoopConfig`. */
export type TrainLoop<C> = (config: C) => unknown;

const trainSrcDir = fileURLToPath(new URL('..', import.meta.url));

function callerUrl(): string | undefined {
  const url = ray.callerModule([trainSrcDir]);
  return url === 'unknown:' || url.includes('/node_modules/') ? undefined : url;
}

/** Options of {@link DataParallelTrainer.fit}. */
export interface FitOptions {
  /** Aborting it stops the workers and rejects fit() with TrainAbortedError (the run can be restored later). */
  signal?: AbortSignal;
}

/** Options of {@link DataParallelTrainer.restore}: what a run directory cannot hold. */
export interface RestoreOptions<C> extends Pick<DataParallelTrainerOptions<C>, 'datasets' | 'datasetConfig'> {
  /** Callbacks of the resumed run. @default [] */
  callbacks?: NonNullable<DataParallelTrainerOptions<C>['runConfig']>['callbacks'];
}

/** Runs a training loop data-parallel on a group of workers. */
export class DataParallelTrainer<C = Record<string, unknown>> {
  /** @internal */
  protected readonly opts: ResolvedTrainerOptions;
  /** @internal The framework every worker sets up before the loop. */
  protected framework: FrameworkSetup | undefined;
  private loopRef: Promise<ray.ExportRef>;

  /**
   * @param trainLoopPerWorker the loop, an export of an ES module (workers import it)
   * @param options workers, run, datasets, checkpoints; checked here (TypeError/RangeError naming the field)
   */
  constructor(trainLoopPerWorker: TrainLoop<C>, options: DataParallelTrainerOptions<C> = {}) {
    if (typeof trainLoopPerWorker !== 'function') throw new TypeError(`trainLoopPerWorker must be a function, got ${typeof trainLoopPerWorker}`);
    this.opts = resolveTrainerOptions(options as DataParallelTrainerOptions<unknown>);
    this.loopRef = ray.findExport(trainLoopPerWorker, callerUrl()).catch((err: unknown) => {
      throw err instanceof ray.ExportLookupError ? new TrainLoopNotFoundError(trainLoopPerWorker.name || '<anonymous>', err.detail, { cause: err }) : err;
    });
    this.loopRef.catch(() => {}); // surfaced by fit()
  }

  /** @internal A trainer whose loop is already referenced (in a Tune trial actor). */
  static fromLoopRef<C>(loop: TrainLoop<C>, ref: ray.ExportRef, options: DataParallelTrainerOptions<C>, framework: FrameworkSetup | undefined): DataParallelTrainer<C> {
    const trainer = new DataParallelTrainer(loop, options);
    trainer.loopRef = Promise.resolve(ref);
    trainer.framework = framework;
    return trainer;
  }

  /**
   * Tune's structural hook: `new Tuner(trainer, { paramSpace: { trainLoopConfig: {...} } })`
   * runs this trainer once per trial (under the trial's directory), with the trial's
   * `trainLoopConfig` merged over this one's; every report reaches Tune, and a trial Tune
   * stops stops its workers. Without datasets a trial runs in a trial actor (holding no
   * CPU). With datasets (which cannot be serialized: their plans hold functions) each trial's
   * fit runs in the Tune driver process (`runInDriver`), where it splits the datasets for its
   * own workers as `fit()` does; a trial then counts one CPU more than its workers (for the
   * data pipeline's tasks), so Tune's default concurrency leaves them CPUs to run on.
   */
  tuneTrainable(): {
    run: typeof runTrainerTrial; module: string; args: Promise<TrainerTrialArgs>; resources: { CPU: number }; cpusPerTrial: number; runInDriver: boolean;
  } {
    const datasets = Object.keys(this.opts.datasets).length > 0;
    const args = this.loopRef.then((loop): TrainerTrialArgs => ({
      loop,
      options: RunState.saved(this.opts, this.framework),
      framework: this.framework,
      s3: this.opts.s3,
      ...(datasets ? { datasets: this.opts.datasets, datasetsToSplit: this.opts.datasetsToSplit } : {}),
    }));
    args.catch(() => {}); // surfaced where Tune awaits it
    const workerCpus = this.opts.numWorkers * (this.opts.bundle.CPU ?? 0);
    return {
      run: runTrainerTrial,
      module: TUNE_TRIAL_MODULE,
      args,
      resources: { CPU: 0 },
      cpusPerTrial: Math.max(1, workerCpus + (datasets ? DATA_CPUS_PER_TRIAL : 0)),
      runInDriver: datasets,
    };
  }

  /** The run's directory (local path or s3://). */
  get path(): string {
    return RunStorage.runPath(this.opts.storagePath, this.opts.name);
  }

  /**
   * Trains: starts the workers, runs the loop, restarts after failures. A run directory
   * holding an unfinished run of the same name is resumed from its latest checkpoint.
   * @throws TrainingFailedError after more than maxFailures failures (cause: the last one)
   * @throws TrainLoopNotFoundError when the loop is not an export of a module
   * @throws TrainAbortedError when `options.signal` aborts
   */
  async fit(options: FitOptions = {}): Promise<Result> {
    if (options === null || typeof options !== 'object') throw new TypeError('fit() options must be an object');
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError('fit() options.signal must be an AbortSignal');
    const { signal } = options;
    const loop = await this.loopRef;
    if (!ray.isInitialized()) await ray.init();
    const storage = new RunStorage(this.path, this.opts.s3);
    const state = await RunState.open(storage, this.opts, this.framework);
    const run = { name: this.opts.name, path: this.path, config: (this.opts.trainLoopConfig ?? {}) as Record<string, unknown> };
    // The progress line is one more callback of this run (runConfig.verbose).
    const progress = new TrainProgressReporter({ verbose: this.opts.verbose });
    const opts: ResolvedTrainerOptions = progress.enabled ? Object.freeze({ ...this.opts, callbacks: [...this.opts.callbacks, progress] }) : this.opts;
    await Promise.all(opts.callbacks.map((c) => c.setup?.(run)));
    let lastError: unknown;
    try {
      for (;;) {
        const attempt = new RunAttempt(opts, this.framework, loop, state, signal);
        try {
          await attempt.run();
          break;
        } catch (err) {
          // Not worth a restart: the loop cannot load, the run was stopped, or no CPU is left for the data pipeline.
          if (err instanceof TrainLoopNotFoundError || err instanceof TrainAbortedError || err instanceof TrainDataResourceError) throw err;
          lastError = err;
          state.failures++;
          await state.save();
          if (this.opts.maxFailures !== -1 && state.failures > this.opts.maxFailures) throw new TrainingFailedError(state.failures, this.path, err);
          progress.clearLine();
          process.stderr.write(`[ray-ts train] run '${this.opts.name}' failed (${state.failures}/${this.opts.maxFailures === -1 ? 'unlimited' : this.opts.maxFailures}), restarting from the latest checkpoint: ${(err as Error)?.message ?? err}\n`);
        } finally {
          await attempt.shutdown();
        }
      }
      state.finished = true;
      await state.save();
      const result = state.result();
      await Promise.all(opts.callbacks.map((c) => c.teardown?.({ metrics: result.metrics as Record<string, unknown> | undefined })));
      return result;
    } catch (err) {
      await Promise.all(opts.callbacks.map((c) => c.teardown?.({ error: (lastError ?? err) as Error })));
      throw err;
    }
  }

  /** Whether `path` holds a run a trainer can resume. */
  static async canRestore(path: string, options: { s3?: S3Options } = {}): Promise<boolean> {
    return new RunStorage(path, options.s3).exists(STATE_FILE);
  }

  /**
   * A trainer that resumes the run in `path` (after the driver died, or after fit() gave up)
   * from its latest checkpoint, with the run's saved options (workers, loop config,
   * failures, checkpoints). The loop and datasets cannot be saved: pass them again.
   * @throws TrainRestoreError when `path` holds no run
   */
  static async restore<C>(path: string, trainLoopPerWorker: TrainLoop<C>, options: RestoreOptions<C> & { s3?: S3Options } = {}): Promise<DataParallelTrainer<C>> {
    const saved = await RunState.readOptions(path, options.s3);
    if (!saved) throw new TrainRestoreError(path, `no ${STATE_FILE} there (was it written by trainer.fit()?)`);
    const { framework, ...savedOptions } = saved;
    const trainer = new this(trainLoopPerWorker, {
      ...savedOptions,
      datasets: options.datasets,
      datasetConfig: options.datasetConfig,
      runConfig: { ...savedOptions.runConfig, callbacks: options.callbacks, s3: options.s3 },
    } as DataParallelTrainerOptions<C>);
    trainer.framework = framework;
    return trainer;
  }
}
