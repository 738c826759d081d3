import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

// The node is told it has 2 GPUs (none are needed: this checks the accounting and assignment).
before(async () => {
  await ray.init({ numCpus: 2, numGpus: 2, resources: { special: 1 } });
});
after(() => ray.shutdown());

test('a GPU task gets a GPU id and CUDA_VISIBLE_DEVICES', async () => {
  const c = await ray.get(defs.context.options({ numGpus: 1 }).remote());
  assert.equal(c.gpus.length, 1);
  assert.equal(c.cuda, String(c.gpus[0]));
});

test('two fractional tasks share one GPU; whole GPUs are exclusive', async () => {
  const [a, b] = await ray.get([
    defs.context.options({ numGpus: 0.5, numCpus: 0 }).remote(),
    defs.context.options({ numGpus: 0.5, numCpus: 0 }).remote(),
  ]);
  assert.equal(a.gpus.length, 1);
  assert.equal(b.gpus.length, 1);
  const whole = await ray.get(defs.context.options({ numGpus: 2 }).remote());
  assert.deepEqual([...whole.gpus].sort(), [0, 1]);
});

test('cluster resources include GPUs and custom resources', async () => {
  const total = await ray.clusterResources();
  assert.equal(total.GPU, 2);
  assert.equal(total.special, 1);
  assert.equal(await ray.get(defs.square.options({ resources: { special: 1 } }).remote(4)), 16);
});

test('fractional GPU above 1 must be whole', () => {
  assert.throws(() => defs.square.options({ numGpus: 1.5 }), RangeError);
});
