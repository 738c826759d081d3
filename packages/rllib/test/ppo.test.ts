import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PPOConfig, trainLoop } from '../src/index.js';
import { ppoCartPole } from './fixtures/cartpole-configs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('PPO on CartPole-v1 with 2 env runners reaches a mean return of 450', { timeout: 240_000 }, async () => {
  const algo = ppoCartPole(1).build();
  const t0 = Date.now();
  let best = 0;
  let last;
  try {
    for (let i = 0; i < 120 && best < 450; i++) {
      last = await algo.train();
      best = Math.max(best, last.envRunners.episodeReturnMean || 0);
      assert.equal(last.envRunners.numHealthyEnvRunners, 2);
      assert.ok(Number.isFinite(last.learners.policyLoss) && Number.isFinite(last.learners.vfLoss) && Number.isFinite(last.learners.entropy));
    }
  } finally {
    await algo.stop();
  }
  console.log(`# PPO CartPole-v1: return ${best.toFixed(1)} after ${last!.trainingIteration} iterations, ${last!.numEnvStepsSampledLifetime} env steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.ok(best >= 450, `mean return ${best} < 450`);
});

test('PPO with Box actions (Pendulum-v1, diagonal Gaussian) trains in the driver and acts within bounds', { timeout: 120_000 }, async () => {
  const algo = new PPOConfig().environment('Pendulum-v1').envRunners({ numEnvRunners: 0, numEnvsPerEnvRunner: 2 })
    .training({ trainBatchSize: 400, minibatchSize: 100, numEpochs: 2, lr: 3e-4 }).debugging({ seed: 3 }).build();
  try {
    const r = await algo.train();
    assert.ok(r.envRunners.numEnvStepsSampled <= 400 && r.envRunners.numEnvStepsSampled >= 398, `steps ${r.envRunners.numEnvStepsSampled}`);
    assert.ok(Number.isFinite(r.learners.policyLoss) && Number.isFinite(r.learners.entropy));
    for (let i = 0; i < 20; i++) {
      const a = algo.computeSingleAction(new Float32Array([Math.cos(i), Math.sin(i), i / 10 - 1]), { explore: true }) as Float32Array;
      assert.ok(a instanceof Float32Array && a.length === 1 && a[0]! >= -2 && a[0]! <= 2, `action ${a[0]} in [-2, 2]`);
    }
  } finally {
    await algo.stop();
  }
});

test('trainLoop runs an algorithm as a Tune-style function trainable, reporting flat metrics', { timeout: 60_000 }, async () => {
  const reports: Record<string, number>[] = [];
  const last = await trainLoop(
    new PPOConfig().environment('CartPole-v1').training({ trainBatchSize: 200, minibatchSize: 50, numEpochs: 1 }).debugging({ seed: 2 }),
    { report: (m) => void reports.push(m), maxIterations: 3 },
  );
  assert.equal(reports.length, 3);
  assert.equal(last!.trainingIteration, 3);
  assert.equal(reports[2]!['trainingIteration'], 3);
  assert.ok('envRunners/numEnvStepsSampledLifetime' in reports[2]! && 'learners/policyLoss' in reports[2]!);
});
