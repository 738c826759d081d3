/**
 * The durable state of a run, in `trainer_state.json` in its directory: the options that
 * can be saved, the reports so far, failures, and the checkpoint manager's state. Saved
 * after each committed report, so a driver that dies can be resumed from it.
 */
import type { S3Options } from '@ray-ts/data';
import { CheckpointManager } from '../checkpoint/checkpoint-manager.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import type { DataParallelTrainerOptions, ResolvedTrainerOptions } from '../config/trainer-options.js';
import { TrainRestoreError } from '../errors.js';
import { RunStorage } from '../storage/run-storage.js';
import type { FrameworkSetup } from './frameworks.js';
import type { Result } from './result.js';

/** Name of the state file in a run directory. */
export const STATE_FILE = 'trainer_state.json';

/** The options a run directory keeps (everything but functions, datasets and callbacks). */
export type SavedOptions = Omit<DataParallelTrainerOptions<unknown>, 'datasets' | 'datasetConfig' | 'resumeFromCheckpoint'> & { framework?: FrameworkSetup };

interface SavedState {
  version: 1;
  options: SavedOptions;
  finished: boolean;
  failures: number;
  nextReportIndex: number;
  metricsHistory: Record<string, unknown>[];
}

/** A run's progress, saved in its directory. */
export class RunState {
  failures = 0;
  /** Index of the next report (numbering checkpoint directories across attempts). */
  nextReportIndex = 0;
  finished = false;
  readonly metricsHistory: Record<string, unknown>[] = [];
  private lastMetrics: Record<string, unknown> | undefined;

  private constructor(
    readonly storage: RunStorage,
    private readonly options: SavedOptions,
    readonly manager: CheckpointManager,
    readonly resumeFrom: Checkpoint | undefined,
  ) {}

  /** The options a run directory keeps (and a Tune trial gets): plain data. */
  static saved(opts: ResolvedTrainerOptions, framework: FrameworkSetup | undefined): SavedOptions {
    return {
      trainLoopConfig: opts.trainLoopConfig,
      scalingConfig: { numWorkers: opts.numWorkers, resourcesPerWorker: { ...opts.bundle }, placementStrategy: opts.placementStrategy, useGpu: opts.useGpu },
      runConfig: {
        name: opts.name,
        storagePath: opts.storagePath,
        failureConfig: { maxFailures: opts.maxFailures },
        checkpointConfig: { ...opts.checkpointConfig },
      },
      ...(framework ? { framework } : {}),
    };
  }

  /**
   * The state of the run in `storage`: a new one, or the saved one of a run that did not
   * finish (so a rerun with the same name resumes, as Ray Train does).
   * @throws TrainRestoreError when the directory holds a finished run
   */
  static async open(storage: RunStorage, opts: ResolvedTrainerOptions, framework: FrameworkSetup | undefined): Promise<RunState> {
    const saved = (await storage.exists(STATE_FILE)) ? ((await storage.readJson(STATE_FILE)) as SavedState) : undefined;
    if (saved?.finished) {
      throw new TrainRestoreError(storage.root, 'the directory holds a run that already finished; choose another runConfig.name (or remove the directory)');
    }
    const manager = saved ? await CheckpointManager.load(storage, opts.checkpointConfig) : new CheckpointManager(storage, opts.checkpointConfig);
    const state = new RunState(storage, RunState.saved(opts, framework), manager, opts.resumeFromCheckpoint);
    if (saved) {
      state.failures = saved.failures;
      state.nextReportIndex = saved.nextReportIndex;
      state.metricsHistory.push(...saved.metricsHistory);
      state.lastMetrics = saved.metricsHistory.at(-1);
    }
    await state.save();
    return state;
  }

  /** The saved options of the run in `path`, or undefined when there is none. */
  static async readOptions(path: string, s3: S3Options | undefined): Promise<SavedOptions | undefined> {
    const storage = new RunStorage(path, s3);
    if (!(await storage.exists(STATE_FILE))) return undefined;
    return ((await storage.readJson(STATE_FILE)) as SavedState).options;
  }

  /** The checkpoint a new attempt starts from: the run's latest, else `resumeFromCheckpoint`. */
  get startCheckpoint(): Checkpoint | undefined {
    return this.manager.latest?.checkpoint ?? this.resumeFrom;
  }

  /** Records a report every worker made (rank 0's metrics), with its persisted checkpoint. */
  async commit(metrics: Record<string, unknown>, checkpoint: Checkpoint | undefined): Promise<void> {
    this.metricsHistory.push(metrics);
    this.lastMetrics = metrics;
    if (checkpoint) await this.manager.register(checkpoint, metrics);
    await this.save();
  }

  /** Writes the state file. */
  async save(): Promise<void> {
    const s: SavedState = {
      version: 1, options: this.options, finished: this.finished, failures: this.failures,
      nextReportIndex: this.nextReportIndex, metricsHistory: this.metricsHistory,
    };
    await this.storage.writeJson(STATE_FILE, s);
  }

  /** The run's result so far. */
  result(): Result {
    return Object.freeze({
      metrics: this.lastMetrics,
      checkpoint: this.manager.latest?.checkpoint,
      metricsHistory: [...this.metricsHistory],
      bestCheckpoints: this.manager.bestCheckpoints.map(([checkpoint, metrics]) => ({ checkpoint, metrics })),
      path: this.storage.root,
      failures: this.failures,
    });
  }
}
