/**
 * Fills the columns of a {@link SampleBatch} while a runner steps its vector env: env `e`
 * writes its transitions at rows `e * fragment + k`, then `finish()` packs the rows of
 * all envs together (env-major) and computes the bootstrap values PPO needs with one
 * batched value call.
 */
import { obsWidth, type ModuleSpec } from '../models/module-spec.js';
import type { RLModule } from '../models/rl-module.js';
import type { SampleBatch } from './sample-batch.js';

/** One transition of one env. */
export interface Transition {
  readonly obs: Float32Array;
  readonly action: Int32Array | Float32Array;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly logp: number;
  readonly vf: number;
}

/** Column buffers for up to `fragment` transitions per env. */
export class TrajectoryWriter {
  private readonly width: number;
  private readonly actWidth: number;
  private readonly counts: Int32Array;
  private readonly obs: Float32Array;
  private readonly actions: Int32Array | Float32Array;
  private readonly rewards: Float32Array;
  private readonly terminateds: Uint8Array;
  private readonly truncateds: Uint8Array;
  private readonly ppo: boolean;
  private readonly segmentEnds: Uint8Array;
  private readonly logp: Float32Array;
  private readonly vfPreds: Float32Array;
  private readonly nextObs: Float32Array | undefined;
  private readonly bootstrapRows: number[] = [];
  private readonly bootstrapObs: Float32Array[] = [];

  /** Allocates the columns. */
  constructor(spec: ModuleSpec, private readonly numEnvs: number, private readonly fragment: number) {
    const n = numEnvs * fragment;
    this.width = obsWidth(spec.obs);
    this.actWidth = spec.action.type === 'discrete' ? 1 : spec.action.dim;
    this.counts = new Int32Array(numEnvs);
    this.obs = new Float32Array(n * this.width);
    this.actions = spec.action.type === 'discrete' ? new Int32Array(n) : new Float32Array(n * this.actWidth);
    this.rewards = new Float32Array(n);
    this.terminateds = new Uint8Array(n);
    this.truncateds = new Uint8Array(n);
    this.ppo = spec.kind === 'ppo';
    this.segmentEnds = new Uint8Array(n);
    this.logp = new Float32Array(n);
    this.vfPreds = new Float32Array(n);
    this.nextObs = this.ppo ? undefined : new Float32Array(n * this.width);
  }

  /** Appends a transition of env `e`; `next` is the observation after it (the final one at an episode end). */
  write(e: number, t: Transition, next: Float32Array): void {
    const row = e * this.fragment + this.counts[e]!++;
    this.obs.set(t.obs, row * this.width);
    this.actions.set(t.action, row * this.actWidth);
    this.rewards[row] = t.reward;
    this.terminateds[row] = t.terminated ? 1 : 0;
    this.truncateds[row] = t.truncated ? 1 : 0;
    this.logp[row] = t.logp;
    this.vfPreds[row] = t.vf;
    if (t.terminated || t.truncated) this.segmentEnds[row] = 1;
    if (this.nextObs) this.nextObs.set(next, row * this.width);
    else if (t.truncated && !t.terminated) this.bootstrapFrom(row, next);
  }

  /** Ends env `e`'s fragment: a last transition that did not end its episode bootstraps from `next` (PPO). */
  endFragment(e: number, next: Float32Array): void {
    const k = this.counts[e]!;
    if (!this.ppo || k === 0) return;
    const row = e * this.fragment + k - 1;
    if (this.segmentEnds[row]) return;
    this.segmentEnds[row] = 1;
    this.bootstrapFrom(row, next);
  }

  private bootstrapFrom(row: number, next: Float32Array): void {
    this.bootstrapRows.push(row);
    this.bootstrapObs.push(next.slice());
  }

  /** The packed batch, with bootstrap values computed by `module`. */
  finish(module: RLModule): SampleBatch {
    const rows: number[] = [];
    for (let e = 0; e < this.numEnvs; e++) for (let k = 0; k < this.counts[e]!; k++) rows.push(e * this.fragment + k);
    const bootstrap = new Float32Array(this.numEnvs * this.fragment);
    if (this.ppo && this.bootstrapRows.length > 0) {
      const all = new Float32Array(this.bootstrapRows.length * this.width);
      this.bootstrapObs.forEach((o, i) => all.set(o, i * this.width));
      const v = module.values(all, this.bootstrapRows.length);
      this.bootstrapRows.forEach((row, i) => (bootstrap[row] = v[i]!));
    }
    const full = rows.length === this.numEnvs * this.fragment;
    const pick = <T extends Float32Array | Int32Array | Uint8Array>(col: T, w: number): T => {
      if (full) return col;
      const out = new (col.constructor as new (n: number) => T)(rows.length * w);
      rows.forEach((r, i) => out.set(col.subarray(r * w, (r + 1) * w) as never, i * w));
      return out;
    };
    return {
      count: rows.length, obsWidth: this.width, obs: pick(this.obs, this.width), actions: pick(this.actions, this.actWidth),
      rewards: pick(this.rewards, 1), terminateds: pick(this.terminateds, 1), truncateds: pick(this.truncateds, 1),
      ...(this.ppo
        ? { segmentEnds: pick(this.segmentEnds, 1), logp: pick(this.logp, 1), vfPreds: pick(this.vfPreds, 1), bootstrap: pick(bootstrap, 1) }
        : { nextObs: pick(this.nextObs!, this.width) }),
    };
  }
}
