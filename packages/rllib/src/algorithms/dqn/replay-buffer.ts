/**
 * A uniform replay buffer: a ring of typed-array columns holding the latest `capacity`
 * transitions (obs, action, reward, next obs, terminated).
 */
import type { SampleBatch } from '../../env-runner/sample-batch.js';
import type { Rng } from '../../models/rng.js';

/** A replayed minibatch. */
export interface Transitions {
  readonly rows: number;
  readonly obs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly nextObs: Float32Array;
  readonly terminateds: Float32Array;
}

/** Ring buffer of transitions. */
export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float32Array;
  private readonly terminateds: Uint8Array;
  private next = 0;
  /** Transitions held. */
  size = 0;

  /** Allocates `capacity` rows of `width` floats per observation. */
  constructor(readonly capacity: number, readonly width: number) {
    this.obs = new Float32Array(capacity * width);
    this.nextObs = new Float32Array(capacity * width);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminateds = new Uint8Array(capacity);
  }

  /** Adds every row of a DQN runner batch. */
  add(batch: SampleBatch): void {
    const w = this.width;
    for (let r = 0; r < batch.count; r++) {
      const i = this.next;
      this.obs.set(batch.obs.subarray(r * w, (r + 1) * w), i * w);
      this.nextObs.set(batch.nextObs!.subarray(r * w, (r + 1) * w), i * w);
      this.actions[i] = batch.actions[r]!;
      this.rewards[i] = batch.rewards[r]!;
      this.terminateds[i] = batch.terminateds[r]!;
      this.next = (i + 1) % this.capacity;
      this.size = Math.min(this.size + 1, this.capacity);
    }
  }

  /** `rows` transitions drawn uniformly (with replacement). */
  sample(rows: number, rng: Rng): Transitions {
    const w = this.width;
    const out: Transitions = {
      rows, obs: new Float32Array(rows * w), nextObs: new Float32Array(rows * w), actions: new Int32Array(rows),
      rewards: new Float32Array(rows), terminateds: new Float32Array(rows),
    };
    for (let k = 0; k < rows; k++) {
      const i = rng.int(this.size);
      out.obs.set(this.obs.subarray(i * w, (i + 1) * w), k * w);
      out.nextObs.set(this.nextObs.subarray(i * w, (i + 1) * w), k * w);
      out.actions[k] = this.actions[i]!;
      out.rewards[k] = this.rewards[i]!;
      out.terminateds[k] = this.terminateds[i]!;
    }
    return out;
  }
}
