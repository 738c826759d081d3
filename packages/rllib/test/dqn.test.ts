import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DQNConfig, scheduleValue, UnsupportedSpaceError } from '../src/index.js';
import { dqnCartPole } from './fixtures/cartpole-configs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('DQN on CartPole-v1 reaches a mean return of 150', { timeout: 240_000 }, async () => {
  const algo = dqnCartPole(1).build();
  const t0 = Date.now();
  let best = 0;
  let last;
  try {
    for (let i = 0; i < 150 && best < 150; i++) {
      last = await algo.train();
      best = Math.max(best, last.envRunners.episodeReturnMean || 0);
    }
  } finally {
    await algo.stop();
  }
  console.log(`# DQN CartPole-v1: return ${best.toFixed(1)} after ${last!.trainingIteration} iterations, ${last!.numEnvStepsSampledLifetime} env steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.ok(best >= 150, `mean return ${best} < 150`);
  assert.ok(Number.isFinite(last!.learners.tdErrorMean) && Number.isFinite(last!.learners.qMean));
});

test('the epsilon schedule interpolates linearly and holds its last value', () => {
  const s = [[0, 1], [100, 0.1]] as const;
  assert.equal(scheduleValue(s, 0), 1);
  assert.ok(Math.abs(scheduleValue(s, 50) - 0.55) < 1e-9);
  assert.equal(scheduleValue(s, 1000), 0.1);
});

test('DQN rejects a Box action space with UnsupportedSpaceError', { timeout: 60_000 }, async () => {
  const algo = new DQNConfig().environment('Pendulum-v1').build();
  await assert.rejects(algo.train(), UnsupportedSpaceError);
  await algo.stop();
});
