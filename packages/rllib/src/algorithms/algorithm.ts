/**
 * The base of every algorithm (RLlib's Algorithm): owns the env runners, the learner's
 * module and the metrics; `train()` runs one iteration of the subclass's
 * `trainingStep()`, then reports. Also save/restore, `computeSingleAction` and `stop`.
 */
import type { ResolvedCommonConfig } from '../config/algorithm-config.js';
import type { Action, Observation } from '../env/env.js';
import { envRecipe, makeEnvFrom, type EnvRecipe } from '../env-runner/env-source.js';
import type { EnvRunnerSpec } from '../env-runner/env-runner.js';
import { EnvRunnerGroup } from '../env-runner/env-runner-group.js';
import type { SampleResult } from '../env-runner/sample-batch.js';
import { AlgorithmStateError, CheckpointError } from '../errors.js';
import { ensureBackend } from '../models/backend.js';
import { assignFlat, flatten } from '../models/mlp.js';
import { actionSpecOf, encodeObs, obsSpecOf, obsWidth, type ModuleSpec } from '../models/module-spec.js';
import { buildModule, type RLModule } from '../models/rl-module.js';
import { Rng } from '../models/rng.js';
import { CHECKPOINT_VERSION, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { algorithmFactory } from './registry.js';
import { EpisodeWindow, type TrainResult } from './train-result.js';

/** What a subclass's training step reports. */
export interface StepOutcome {
  readonly samples: readonly SampleResult[];
  readonly learners: Record<string, number>;
  readonly sampleMs: number;
  readonly learnMs: number;
  readonly syncWeightsMs: number;
}

/** Options of `computeSingleAction`. */
export interface ComputeActionOptions {
  /** Sample from the policy (or act epsilon-greedily) instead of the greedy action. @default false */
  readonly explore?: boolean;
}

/** An RL algorithm. Build one with `new PPOConfig()...build()` or `Algorithm.fromCheckpoint(dir)`. */
export abstract class Algorithm<C extends ResolvedCommonConfig = ResolvedCommonConfig> {
  /** Iterations done. */
  iteration = 0;
  /** Env steps sampled over the algorithm's life. */
  numEnvStepsSampledLifetime = 0;
  protected module: RLModule | undefined;
  protected group: EnvRunnerGroup | undefined;
  protected weightsVersion = 0;
  protected readonly window: EpisodeWindow;
  private setupPromise: Promise<void> | undefined;
  private stopped = false;
  private timeTotalS = 0;
  private readonly actRng: Rng;
  private recipe: EnvRecipe | undefined;

  /** Keeps the config; nothing starts until `train()`, `restore()` or `ready()` (constructors do no I/O). */
  constructor(readonly config: C) {
    this.window = new EpisodeWindow(config.metricsNumEpisodesForSmoothing);
    this.actRng = new Rng(config.seed + 17);
  }

  /** Builds the module spec for the env's spaces (the subclass checks they fit). */
  protected abstract moduleSpec(base: Omit<ModuleSpec, 'kind'>): ModuleSpec;
  /** Creates learner state (optimizer, target nets) once the module exists. */
  protected abstract setupLearner(module: RLModule): void;
  /** One iteration: sample, learn, broadcast weights. */
  protected abstract trainingStep(group: EnvRunnerGroup, module: RLModule): Promise<StepOutcome>;
  /** Algorithm state for a checkpoint (JSON plus float arrays). */
  protected abstract learnerState(): Promise<{ json: Record<string, unknown>; arrays: Record<string, Float32Array> }>;
  /** Restores what {@link learnerState} returned. */
  protected abstract loadLearnerState(json: Record<string, unknown>, arrays: Record<string, Float32Array>): Promise<void>;

  /** Sets up the backend, probes the env's spaces, builds the module and starts the runners. */
  ready(): Promise<void> {
    if (this.stopped) return Promise.reject(new AlgorithmStateError(`${this.config.algorithm} was stopped; build a new one (or Algorithm.fromCheckpoint).`));
    this.setupPromise ??= this.setup();
    return this.setupPromise;
  }

  private async setup(): Promise<void> {
    await ensureBackend();
    const c = this.config;
    this.recipe = typeof c.env === 'object' ? c.env : await envRecipe(c.env, c.callerUrl);
    const probe = await makeEnvFrom(c.env, c.envConfig);
    const base = { obs: obsSpecOf(probe.observationSpace, c.algorithm), action: actionSpecOf(probe.actionSpace, c.algorithm), hiddens: c.fcnetHiddens, activation: c.fcnetActivation, seed: c.seed };
    probe.close?.();
    const spec = this.moduleSpec(base);
    this.module = buildModule(spec);
    this.setupLearner(this.module);
    const runnerSpec = (index: number): EnvRunnerSpec => ({
      index, env: this.recipe!, envConfig: c.envConfig, numEnvs: c.numEnvsPerEnvRunner, fragmentLength: c.rolloutFragmentLength, module: spec, seed: c.seed,
    });
    this.group = new EnvRunnerGroup(runnerSpec, { numEnvRunners: c.numEnvRunners, numCpusPerEnvRunner: c.numCpusPerEnvRunner, maxEnvRunnerRestarts: c.maxEnvRunnerRestarts });
    this.group.syncWeights(flatten(this.module.variables), this.weightsVersion);
  }

  /** Runs one training iteration and returns its metrics. */
  async train(): Promise<TrainResult> {
    await this.ready();
    const t0 = performance.now();
    const out = await this.trainingStep(this.group!, this.module!);
    const steps = out.samples.reduce((s, r) => s + r.envSteps, 0);
    this.numEnvStepsSampledLifetime += steps;
    this.iteration++;
    const numEpisodes = this.window.add(out.samples);
    const ep = this.window.stats();
    const iterationMs = performance.now() - t0;
    this.timeTotalS += iterationMs / 1000;
    return {
      trainingIteration: this.iteration,
      envRunners: {
        episodeReturnMean: ep.mean, episodeReturnMin: ep.min, episodeReturnMax: ep.max, episodeLenMean: ep.lenMean,
        numEpisodes, numEpisodesLifetime: this.window.lifetime, numEnvStepsSampled: steps, numEnvStepsSampledLifetime: this.numEnvStepsSampledLifetime,
        numEnvStepsSampledPerRunner: out.samples.map((r) => r.envSteps), numHealthyEnvRunners: out.samples.length, numEnvRunnerRestarts: this.group!.restarts,
      },
      learners: out.learners,
      timers: { sampleMs: out.sampleMs, learnMs: out.learnMs, syncWeightsMs: out.syncWeightsMs, iterationMs },
      numEnvStepsSampledLifetime: this.numEnvStepsSampledLifetime,
      timeTotalS: this.timeTotalS,
      timeThisIterS: iterationMs / 1000,
    };
  }

  /** Flattens the module's weights and hands them to the runners (one `ray.put`). */
  protected syncWeights(): number {
    const t0 = performance.now();
    this.group!.syncWeights(flatten(this.module!.variables), ++this.weightsVersion);
    return performance.now() - t0;
  }

  /** The runner group (its actor handles, restarts), once set up. */
  get envRunnerGroup(): EnvRunnerGroup | undefined {
    return this.group;
  }

  /** The action the policy takes for `obs` (greedy unless `explore`). Needs `train()`, `restore()` or `ready()` first. */
  computeSingleAction(obs: Observation, options: ComputeActionOptions = {}): Action {
    const m = this.module;
    if (!m) throw new AlgorithmStateError(`${this.config.algorithm} has no model yet: await algo.ready() (or train()/restore()) before computeSingleAction().`);
    const buf = new Float32Array(obsWidth(m.spec.obs));
    encodeObs(m.spec.obs, obs, buf, 0);
    const { actions } = m.act(buf, 1, { explore: options.explore ?? false, epsilon: this.explorationEpsilon() }, this.actRng);
    const a = m.spec.action;
    if (a.type === 'discrete') return actions[0]!;
    return Float32Array.from(actions, (x, i) => Math.min(a.high[i]!, Math.max(a.low[i]!, x)));
  }

  /** Epsilon used when exploring (DQN overrides). */
  protected explorationEpsilon(): number {
    return 0;
  }

  /** The module's weights as one array. */
  getWeights(): Float32Array {
    if (!this.module) throw new AlgorithmStateError(`${this.config.algorithm} has no model yet: await algo.ready() first.`);
    return flatten(this.module.variables);
  }

  /** Writes a checkpoint of the whole algorithm into `dir`; resolves to `dir`. */
  async save(dir: string): Promise<string> {
    await this.ready();
    const learner = await this.learnerState();
    const { env: _env, ...rest } = this.config;
    return writeCheckpoint(dir, {
      state: {
        algorithm: this.config.algorithm, checkpointVersion: CHECKPOINT_VERSION, config: { ...rest, env: this.recipe },
        iteration: this.iteration, numEnvStepsSampledLifetime: this.numEnvStepsSampledLifetime, timeTotalS: this.timeTotalS,
        weightsVersion: this.weightsVersion, episodes: this.window.toJSON(), learner: learner.json,
      },
      arrays: { module: flatten(this.module!.variables), ...learner.arrays },
    });
  }

  /** Loads a checkpoint of the same algorithm into this one (weights, learner state, counters). */
  async restore(dir: string): Promise<void> {
    const { state, arrays } = await readCheckpoint(dir);
    if (state.algorithm !== this.config.algorithm) throw new CheckpointError(dir, `it holds a ${state.algorithm} algorithm, not ${this.config.algorithm}`);
    await this.ready();
    try {
      assignFlat(this.module!.variables, arrays.module!);
    } catch (err) {
      throw new CheckpointError(dir, 'its weights do not fit this model (different env or rlModule settings)', { cause: err });
    }
    await this.loadLearnerState(state.learner as Record<string, unknown>, arrays);
    this.iteration = state.iteration as number;
    this.numEnvStepsSampledLifetime = state.numEnvStepsSampledLifetime as number;
    this.timeTotalS = state.timeTotalS as number;
    this.window.load(state.episodes as { returns: number[]; lengths: number[]; lifetime: number });
    this.weightsVersion = state.weightsVersion as number;
    this.syncWeights();
  }

  /** Builds the algorithm a checkpoint holds and restores it. */
  static async fromCheckpoint(dir: string): Promise<Algorithm> {
    const { state } = await readCheckpoint(dir);
    const factory = algorithmFactory(state.algorithm);
    if (!factory) throw new CheckpointError(dir, `no algorithm named '${state.algorithm}' is registered`);
    const algo = factory(state.config as ResolvedCommonConfig) as Algorithm;
    await algo.restore(dir);
    return algo;
  }

  /** Stops the env runners and frees the model. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.setupPromise?.catch(() => undefined);
    this.group?.stop();
    this.module?.dispose();
    this.module = undefined;
  }

  /** `await using algo = config.build()` stops it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
