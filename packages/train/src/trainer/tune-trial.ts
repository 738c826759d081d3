/**
 * A trainer as a Tune trainable (Ray's `Tuner(trainer)`), through Tune's structural
 * contract (`tuneTrainable()`; Train does not import Tune): each trial actor runs
 * {@link runTrainerTrial}, which builds the trainer from plain data, merges the trial's
 * `trainLoopConfig` over the trainer's, keeps the run under the trial's directory, hands
 * every report (and checkpoint path) to Tune, and stops the workers when Tune stops the trial.
 */
import * as ray from '@ray-ts/core';
import type { Dataset, S3Options } from '@ray-ts/data';
import type { TrainCallback } from '../callbacks/callback.js';
import { Checkpoint } from '../checkpoint/checkpoint.js';
import type { DataParallelTrainerOptions } from '../config/trainer-options.js';
import { TrainAbortedError } from '../errors.js';
import type { SavedOptions } from './run-state.js';
import type { FrameworkSetup } from './frameworks.js';

/** What a trial gets: the loop by reference and the trainer's saved options. */
export interface TrainerTrialArgs {
  readonly loop: ray.ExportRef;
  readonly options: SavedOptions;
  readonly framework: FrameworkSetup | undefined;
  readonly s3: S3Options | undefined;
  /** The trainer's datasets, as they are (only with Tune's `runInDriver`: they cannot be serialized). */
  readonly datasets?: Readonly<Record<string, Dataset>>;
  /** Which of them are split between the workers. */
  readonly datasetsToSplit?: 'all' | readonly string[];
}

/**
 * CPUs a trial with datasets counts beyond its workers' (Tune's `cpusPerTrial`): the data
 * pipeline's read and map tasks need CPUs that no placement group holds (Ray reserves the
 * trainer's bundle for the same reason).
 */
export const DATA_CPUS_PER_TRIAL = 1;

/** URL of this module, which exports the trial function. */
export const TUNE_TRIAL_MODULE = import.meta.url;

/** Tune's session as seen by the trial function (structural; see @ray-ts/tune's TrainerTrialSession). */
interface TrialSessionLike {
  report(metrics: Record<string, unknown>, options?: { checkpoint?: Record<string, unknown> }): Promise<void>;
  readonly checkpoint: Record<string, unknown> | undefined;
  readonly context: { readonly trialDir: string };
}

/** Hands each committed report to Tune; aborts the run when Tune stops the trial. */
class TuneReportCallback implements TrainCallback {
  constructor(
    private readonly session: TrialSessionLike,
    private readonly abort: AbortController,
  ) {}

  async onReport(report: { metrics: Record<string, unknown>; checkpoint?: Checkpoint }): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      await this.session.report(report.metrics, report.checkpoint ? { checkpoint: { path: report.checkpoint.path } } : {});
    } catch (err) {
      this.abort.abort(err);
    }
  }
}

/**
 * The trial function Tune runs for a trainer (in the trial actor). Exported so that
 * trial actors can import it.
 */
export async function runTrainerTrial(config: Record<string, any>, args: TrainerTrialArgs, session: TrialSessionLike): Promise<void> {
  const loop = await ray.loadExport<(c: unknown) => unknown>(args.loop);
  const { DataParallelTrainer } = await import('./data-parallel-trainer.js');
  const { framework: _saved, ...savedOptions } = args.options; // the framework travels in args.framework
  const base = (savedOptions.trainLoopConfig ?? {}) as Record<string, unknown>;
  const merged = { ...base, ...((config.trainLoopConfig as Record<string, unknown> | undefined) ?? {}) };
  const abort = new AbortController();
  const resume = session.checkpoint?.path;
  const options: DataParallelTrainerOptions<unknown> = {
    ...savedOptions,
    trainLoopConfig: merged,
    runConfig: {
      ...savedOptions.runConfig,
      // A fresh run per (re)start of the trial: a restored or exploited trial resumes from Tune's checkpoint.
      name: `train_${Date.now().toString(36)}`,
      storagePath: session.context.trialDir,
      s3: args.s3,
      callbacks: [new TuneReportCallback(session, abort)],
      verbose: 0, // Tune shows its own progress table
    },
    ...(args.datasets ? { datasets: { ...args.datasets }, datasetConfig: { datasetsToSplit: Array.isArray(args.datasetsToSplit) ? [...args.datasetsToSplit] : 'all' } } : {}),
    ...(typeof resume === 'string' ? { resumeFromCheckpoint: Checkpoint.fromDirectory(resume, { s3: args.s3 }) } : {}),
  };
  const trainer = DataParallelTrainer.fromLoopRef(loop, args.loop, options, args.framework);
  try {
    await trainer.fit({ signal: abort.signal });
  } catch (err) {
    if (err instanceof TrainAbortedError && abort.signal.aborted) throw abort.signal.reason; // Tune's stop
    throw err;
  }
}
