/**
 * Generalized advantage estimation over a runner batch whose rows are per-env
 * trajectories cut into segments: at a segment end the next value is 0 when the episode
 * terminated, else the bootstrap value (truncation, or the end of the fragment).
 */
import type { SampleBatch } from '../../env-runner/sample-batch.js';

/** Advantages and value targets (returns) of each row. */
export interface Advantages {
  readonly advantages: Float32Array;
  readonly valueTargets: Float32Array;
}

/** GAE(gamma, lambda) over `batch` (which must carry PPO's columns). */
export function computeGae(batch: SampleBatch, gamma: number, lambda: number): Advantages {
  const { count, rewards, terminateds } = batch;
  const vf = batch.vfPreds!;
  const ends = batch.segmentEnds!;
  const boot = batch.bootstrap!;
  const advantages = new Float32Array(count);
  const valueTargets = new Float32Array(count);
  let last = 0;
  for (let i = count - 1; i >= 0; i--) {
    let nextValue: number;
    if (ends[i]) {
      nextValue = terminateds[i] ? 0 : boot[i]!;
      last = 0;
    } else {
      nextValue = vf[i + 1]!;
    }
    const delta = rewards[i]! + gamma * nextValue - vf[i]!;
    last = delta + gamma * lambda * last;
    advantages[i] = last;
    valueTargets[i] = last + vf[i]!;
  }
  return { advantages, valueTargets };
}

/** Normalizes `a` in place to mean 0 and std 1. */
export function normalize(a: Float32Array): Float32Array {
  let mean = 0;
  for (const x of a) mean += x;
  mean /= a.length || 1;
  let v = 0;
  for (const x of a) v += (x - mean) ** 2;
  const std = Math.sqrt(v / (a.length || 1)) + 1e-8;
  for (let i = 0; i < a.length; i++) a[i] = (a[i]! - mean) / std;
  return a;
}
