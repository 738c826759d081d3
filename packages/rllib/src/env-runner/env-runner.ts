/**
 * An env runner (RLlib's EnvRunner): holds a copy of the policy and `numEnvs` envs, and
 * on each `sample()` steps its `VectorEnv` (with next-step autoreset) `fragmentLength`
 * times with batched actions. Runs in the driver (numEnvRunners = 0) or as an
 * actor ({@link EnvRunnerActor}).
 */
import { VectorEnv } from '../env/vector-env.js';
import { ensureBackend } from '../models/backend.js';
import { assignFlat } from '../models/mlp.js';
import type { ModuleSpec } from '../models/module-spec.js';
import { buildModule, type RLModule } from '../models/rl-module.js';
import { Rng } from '../models/rng.js';
import { makeEnvFrom, type EnvRecipe } from './env-source.js';
import type { SampleResult } from './sample-batch.js';
import { TrajectoryWriter } from './trajectory-writer.js';

/** Plain data that configures one runner. */
export interface EnvRunnerSpec {
  /** 0 for the driver's local runner, 1..N for actors. */
  readonly index: number;
  readonly env: EnvRecipe;
  readonly envConfig: Record<string, unknown>;
  readonly numEnvs: number;
  /** Steps per env per `sample()` call. */
  readonly fragmentLength: number;
  readonly module: ModuleSpec;
  readonly seed: number;
}

/** How to act while sampling. */
export interface SampleOptions {
  readonly explore: boolean;
  /** DQN's epsilon. */
  readonly epsilon?: number;
}

/** Steps a vector env with a policy and returns the experience. */
export class EnvRunner {
  private vec: VectorEnv | undefined;
  private module: RLModule | undefined;
  private obs: Float32Array = new Float32Array(0);
  private epReturn: Float64Array = new Float64Array(0);
  private epLen: Int32Array = new Int32Array(0);
  private version = -1;
  private readonly rng: Rng;

  /** Keeps the spec; envs and the model are made on the first call (constructors do no I/O). */
  constructor(readonly spec: EnvRunnerSpec) {
    this.rng = new Rng(spec.seed * 7919 + spec.index * 104729 + 1);
  }

  private async setup(): Promise<RLModule> {
    if (this.module) return this.module;
    await ensureBackend();
    const { spec } = this;
    const envs = await Promise.all(Array.from({ length: spec.numEnvs }, () => makeEnvFrom(spec.env, spec.envConfig)));
    this.vec = new VectorEnv(envs);
    this.obs = this.vec.reset({ seed: spec.seed + 1000 * spec.index }).obs;
    this.epReturn = new Float64Array(spec.numEnvs);
    this.epLen = new Int32Array(spec.numEnvs);
    this.module = buildModule(spec.module);
    return this.module;
  }

  /**
   * Sets the weights (when `version` is new) and steps the vector env `fragmentLength`
   * times. `weights` is the flat array the driver put once for all runners. Steps on which
   * an env autoresets (Gymnasium's next-step mode) carry no transition and are left out.
   */
  async sample(weights: Float32Array | null, version: number, options: SampleOptions): Promise<SampleResult> {
    const module = await this.setup();
    const vec = this.vec!;
    if (weights && version !== this.version) {
      assignFlat(module.variables, weights);
      this.version = version;
    }
    const { numEnvs, fragmentLength: T } = this.spec;
    const w = vec.obsSize;
    const writer = new TrajectoryWriter(this.spec.module, numEnvs, T);
    const returns: number[] = [];
    const lengths: number[] = [];
    const actDim = vec.actionSize;
    let envSteps = 0;
    for (let t = 0; t < T; t++) {
      const out = module.act(this.obs, numEnvs, options, this.rng);
      const step = vec.step(this.envActions(out.actions));
      for (let e = 0; e < numEnvs; e++) {
        if (step.autoreset[e]) continue;
        envSteps++;
        const terminated = step.terminated[e] === 1;
        const truncated = step.truncated[e] === 1;
        const next = step.obs.subarray(e * w, (e + 1) * w);
        writer.write(e, {
          obs: this.obs.subarray(e * w, (e + 1) * w), action: out.actions.subarray(e * actDim, (e + 1) * actDim),
          reward: step.rewards[e]!, terminated, truncated, logp: out.logp[e]!, vf: out.values[e]!,
        }, next);
        this.epReturn[e]! += step.rewards[e]!;
        this.epLen[e]! += 1;
        if (terminated || truncated) {
          returns.push(this.epReturn[e]!);
          lengths.push(this.epLen[e]!);
          this.epReturn[e] = 0;
          this.epLen[e] = 0;
        }
      }
      this.obs = step.obs;
    }
    for (let e = 0; e < numEnvs; e++) writer.endFragment(e, this.obs.subarray(e * w, (e + 1) * w));
    const batch = writer.finish(module);
    return { batch, episodes: { returns, lengths }, envSteps, pid: process.pid, weightsVersion: this.version };
  }

  /** The actions to hand the vector env: Discrete as is, Box clipped to the space. */
  private envActions(actions: Int32Array | Float32Array): Int32Array | Float32Array {
    const act = this.spec.module.action;
    if (act.type === 'discrete') return actions;
    const out = new Float32Array(actions.length);
    for (let i = 0; i < actions.length; i++) {
      const k = i % act.dim;
      out[i] = Math.min(act.high[k]!, Math.max(act.low[k]!, actions[i]!));
    }
    return out;
  }

  /** Process id of the runner (a liveness check). */
  ping(): number {
    return process.pid;
  }

  /** Test hook: ends the runner's process at once, as a crash would. */
  crashForTesting(): void {
    setTimeout(() => process.exit(1), 0);
  }

  /** Closes the envs and frees the model. */
  close(): void {
    this.vec?.close();
    this.module?.dispose();
    this.module = undefined;
  }
}
