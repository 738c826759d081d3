/**
 * `Tuner`: the entry point of a sweep (Ray's `tune.Tuner`). The constructor checks the
 * options and does no I/O; `fit()` runs the sweep; `Tuner.restore(path, trainable)` picks
 * an interrupted sweep up where it stopped.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { TuneRestoreError } from '../errors.js';
import { BasicVariantGenerator } from '../search/variant-generator.js';
import { isResumable } from '../search/searcher.js';
import type { TrialResult } from '../schedulers/scheduler.js';
import { Checkpoint } from '../trainable/checkpoint.js';
import { callerModule, describeTrainable } from '../trainable/trainable-spec.js';
import { unwrapTrainable, type Trainable } from '../trainable/trainable.js';
import { loadCheckpoint, readExperimentState, readResults, rewriteResults, type ExperimentState } from './experiment-state.js';
import { resolveConfig, type RunConfig, type TuneConfig } from './options.js';
import { ResultGrid } from './result-grid.js';
import type { Trial } from './trial.js';
import { makeTrialOutcome } from './trial-outcome.js';
import { TuneController } from './tune-controller.js';

/** Options of {@link Tuner}. */
export interface TunerOptions {
  /** The search space: constants, nested objects, `tune.uniform(...)`, `tune.gridSearch([...])`, ... @default {} */
  paramSpace?: Record<string, unknown>;
  /** Search and scheduling. */
  tuneConfig?: TuneConfig;
  /** Name, storage and stop criteria. */
  runConfig?: RunConfig;
}

/** Options of {@link Tuner.restore}: what cannot be saved on disk (objects with code). */
export interface RestoreOptions {
  /**
   * The scheduler of the original sweep, again (same class and options): its state saved in
   * experiment_state.json (ASHA's rungs, HyperBand's brackets, the median rule's histories,
   * PBT's population) is restored into it. Another class starts fresh (with a warning).
   * @default FIFOScheduler
   */
  scheduler?: TuneConfig['scheduler'];
  /** Overrides the saved maxConcurrentTrials. */
  maxConcurrentTrials?: number;
  /** Stop criteria (a function cannot be saved; a saved object is reused by default). */
  stop?: RunConfig['stop'];
  /** The searcher of the original sweep, when it was not the default (e.g. a new TPESearcher); its saved state is restored into it. @default BasicVariantGenerator */
  searchAlg?: TuneConfig['searchAlg'];
  /** The original param space: needed by searchers that model it (TPE); set up before their state is restored. @default none */
  paramSpace?: Record<string, unknown>;
}

/** Runs a hyperparameter sweep. */
export class Tuner {
  private readonly caller = callerModule();
  private restored: { state: ExperimentState; trials: Trial[]; paused: Set<string> } | undefined;

  /**
   * @param trainable an exported function `async (config) => { ... await tune.report(...) }`, an exported
   *   class trainable, a trainer with `tuneTrainable()` (e.g. a Train trainer; its trials get
   *   `paramSpace.trainLoopConfig` merged over the trainer's train loop config), or
   *   `tune.withResources(trainable, { CPU, GPU })`
   * @throws TypeError/RangeError naming a bad option (or a trainer's bad `tuneTrainable()` field)
   */
  constructor(
    private readonly trainable: Trainable,
    private readonly options: TunerOptions = {},
  ) {
    unwrapTrainable(trainable);
    const space = options.paramSpace ?? {};
    if (space === null || typeof space !== 'object' || Array.isArray(space)) throw new TypeError('options.paramSpace must be a plain object');
    resolveConfig(options.tuneConfig, options.runConfig);
  }

  /** Runs every trial (parallel trial actors on the cluster; call `ray.init()` first) and returns the results. */
  async fit(): Promise<ResultGrid> {
    const cfg = resolveConfig(this.options.tuneConfig, this.options.runConfig);
    const unwrapped = unwrapTrainable(this.trainable);
    const { resources, cpusPerTrial } = unwrapped;
    const spec = await describeTrainable(unwrapped, this.caller);
    const restored = this.restored;
    if (restored) {
      if (this.options.paramSpace) cfg.searchAlg.setup({ paramSpace: this.options.paramSpace, numSamples: cfg.numSamples, metric: cfg.metric, mode: cfg.mode });
      if (restored.state.searcherState !== undefined && isResumable(cfg.searchAlg)) cfg.searchAlg.restore(restored.state.searcherState);
    } else {
      cfg.searchAlg.setup({ paramSpace: this.options.paramSpace ?? {}, numSamples: cfg.numSamples, metric: cfg.metric, mode: cfg.mode });
    }
    const experimentId = restored?.state.experimentId ?? randomBytes(3).toString('hex').slice(0, 5);
    const controller = new TuneController({
      config: cfg, spec, resources, cpusPerTrial, inDriver: unwrapped.trainer?.runInDriver === true, experimentId, trials: restored?.trials ?? [],
      ...(restored?.state.schedulerState ? { restoredScheduler: { saved: restored.state.schedulerState, paused: restored.paused } } : {}),
    });
    await controller.run();
    const outcomes = await Promise.all(
      controller.trials.map(async (t) =>
        makeTrialOutcome({
          trialId: t.trialId,
          config: t.config,
          metrics: t.results[t.results.length - 1],
          metricsHistory: t.results,
          checkpoint: t.checkpoint ? Checkpoint.fromDict(await loadCheckpoint(t.checkpoint.dir)) : undefined,
          error: t.error,
          status: t.status,
          path: t.dir,
        }),
      ),
    );
    return new ResultGrid(outcomes, cfg.metric, cfg.mode, join(cfg.storagePath, cfg.name));
  }

  /**
   * Resumes the sweep saved in `path` (`<storagePath>/<name>`): finished and errored trials
   * are kept as they are, unfinished ones restart from their latest checkpoint (else from
   * scratch), and trials not started yet run. Pass the same trainable.
   * @throws TuneRestoreError when `path` holds no readable experiment_state.json
   */
  static async restore(path: string, trainable: Trainable, options: RestoreOptions = {}): Promise<Tuner> {
    const caller = callerModule(); // before the first await, while the caller is on the stack
    const dir = resolve(path);
    let state: ExperimentState;
    try {
      state = await readExperimentState(dir);
    } catch (err) {
      throw new TuneRestoreError(dir, `experiment_state.json could not be read (${(err as Error).message})`, { cause: err });
    }
    const trials: Trial[] = [];
    for (const rec of state.trials) {
      const tdir = join(dir, rec.trialId);
      let results = (await readResults(tdir)) as TrialResult[];
      const finished = rec.status === 'TERMINATED' || rec.status === 'ERROR';
      if (!finished) {
        const upTo = rec.checkpoint?.iteration ?? 0;
        results = results.filter((r) => r.trainingIteration <= upTo);
        await rewriteResults(tdir, results);
      }
      const trial: Trial = { trialId: rec.trialId, config: rec.config, dir: tdir, status: finished ? rec.status : 'PENDING', results };
      // The directory may have moved since: find the checkpoint under it.
      if (rec.checkpoint) trial.checkpoint = { ...rec.checkpoint, dir: join(tdir, basename(rec.checkpoint.dir)) };
      if (rec.error) trial.error = Object.assign(new Error(rec.error.message), { name: rec.error.name });
      trials.push(trial);
    }
    const searchAlg = options.searchAlg ?? new BasicVariantGenerator();
    const tuner = new Tuner(trainable, {
      ...(options.paramSpace ? { paramSpace: options.paramSpace } : {}),
      tuneConfig: {
        ...(state.metric ? { metric: state.metric, mode: state.mode } : {}),
        numSamples: state.numSamples,
        searchAlg,
        ...(options.scheduler ? { scheduler: options.scheduler } : {}),
        ...((options.maxConcurrentTrials ?? state.maxConcurrentTrials) ? { maxConcurrentTrials: options.maxConcurrentTrials ?? state.maxConcurrentTrials } : {}),
      },
      runConfig: {
        name: basename(dir),
        storagePath: dirname(dir),
        checkpointConfig: { checkpointFrequency: state.checkpointFrequency },
        ...((options.stop ?? state.stop) ? { stop: options.stop ?? state.stop } : {}),
      },
    });
    (tuner as unknown as { caller: string | undefined }).caller = caller;
    tuner.restored = { state, trials, paused: new Set(state.trials.filter((r) => r.status === 'PAUSED').map((r) => r.trialId)) };
    return tuner;
  }
}
