import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Algorithm, CheckpointError, DQN, DQNConfig, PPO, PPOConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rllib-ckpt-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const observations = Array.from({ length: 40 }, (_, i) => new Float32Array([Math.sin(i) * 0.5, Math.cos(i), Math.sin(3 * i) * 0.2, Math.cos(2 * i)]));

test('PPO: restore gives the same greedy actions as before saving, and training continues', { timeout: 120_000 }, async () => {
  const algo = new PPOConfig().environment('CartPole-v1').envRunners({ numEnvRunners: 1, numEnvsPerEnvRunner: 2, numCpusPerEnvRunner: 0.5 })
    .training({ trainBatchSize: 400, minibatchSize: 100, numEpochs: 2, lr: 1e-3 }).debugging({ seed: 9 }).build();
  await algo.train();
  const steps = (await algo.train()).numEnvStepsSampledLifetime;
  const before = observations.map((o) => algo.computeSingleAction(o, { explore: false }));
  const path = await algo.save(join(dir, 'ppo'));
  await algo.stop();
  const restored = await Algorithm.fromCheckpoint(path);
  try {
    assert.ok(restored instanceof PPO);
    assert.equal(restored.iteration, 2);
    assert.deepEqual(observations.map((o) => restored.computeSingleAction(o, { explore: false })), before);
    const r = await restored.train();
    assert.equal(r.trainingIteration, 3);
    assert.equal(r.numEnvStepsSampledLifetime, steps + r.envRunners.numEnvStepsSampled);
  } finally {
    await restored.stop();
  }
});

test('DQN: restore into a freshly built algorithm gives the same greedy actions', { timeout: 120_000 }, async () => {
  const cfg = () => new DQNConfig().environment('CartPole-v1').envRunners({ numEnvRunners: 0, numEnvsPerEnvRunner: 2 })
    .training({ numStepsSampledBeforeLearningStarts: 100, minSampleTimestepsPerIteration: 300, trainingIntensity: 4 }).debugging({ seed: 4 });
  const algo = cfg().build();
  await algo.train();
  const before = observations.map((o) => algo.computeSingleAction(o));
  await algo.save(join(dir, 'dqn'));
  await algo.stop();
  const fresh = cfg().debugging({ seed: 99 }).build();
  try {
    await fresh.restore(join(dir, 'dqn'));
    assert.ok(fresh instanceof DQN);
    assert.deepEqual(observations.map((o) => fresh.computeSingleAction(o)), before);
    await assert.rejects(new PPOConfig().environment('CartPole-v1').build().restore(join(dir, 'dqn')), CheckpointError);
  } finally {
    await fresh.stop();
  }
});

test('a missing checkpoint directory rejects with CheckpointError naming the path', async () => {
  await assert.rejects(Algorithm.fromCheckpoint(join(dir, 'nope')), (err: unknown) => err instanceof CheckpointError && err.path.endsWith('nope'));
});
