import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeGae } from '../src/algorithms/ppo/gae.js';
import type { SampleBatch } from '../src/env-runner/sample-batch.js';

function batch(rewards: number[], vf: number[], ends: number[], term: number[], boot: number[]): SampleBatch {
  const n = rewards.length;
  return {
    count: n, obsWidth: 1, obs: new Float32Array(n), actions: new Int32Array(n), rewards: Float32Array.from(rewards),
    terminateds: Uint8Array.from(term), truncateds: new Uint8Array(n), segmentEnds: Uint8Array.from(ends),
    logp: new Float32Array(n), vfPreds: Float32Array.from(vf), bootstrap: Float32Array.from(boot),
  };
}

test('GAE: terminal steps do not bootstrap, truncated/fragment ends bootstrap from the next value', () => {
  const g = 0.9;
  const l = 0.5;
  // rows 0-1: an episode that terminates; rows 2-3: one truncated at row 3 with V(final obs) = 10.
  const { advantages, valueTargets } = computeGae(batch([1, 1, 1, 1], [2, 1, 3, 4], [0, 1, 0, 1], [0, 1, 0, 0], [0, 0, 0, 10]), g, l);
  const d1 = 1 - 1; // r + 0 - V
  const d0 = 1 + g * 1 - 2;
  const d3 = 1 + g * 10 - 4;
  const d2 = 1 + g * 4 - 3;
  const expected = [d0 + g * l * d1, d1, d2 + g * l * d3, d3];
  expected.forEach((e, i) => assert.ok(Math.abs(advantages[i]! - e) < 1e-5, `adv[${i}] ${advantages[i]} vs ${e}`));
  expected.forEach((e, i) => assert.ok(Math.abs(valueTargets[i]! - (e + [2, 1, 3, 4][i]!)) < 1e-5));
});
