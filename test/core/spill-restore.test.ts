import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

const MB = 1024 * 1024;

before(async () => {
  await ray.init({ numCpus: 1, objectStoreMemory: 64 * MB });
});
after(() => ray.shutdown());

test('restoring a spilled argument while freed objects are still mapped does not crash the node', async () => {
  const a = ray.put(new Uint8Array(20 * MB).fill(7));
  const others = [0, 1, 2].map(() => ray.put(new Uint8Array(20 * MB)));
  const views = await ray.get(others); // keeps their segments mapped here
  for (const r of others) r.release(); // freed, but still mapped
  assert.equal(await ray.get(defs.byteAt.remote(a, 20 * MB - 1)), 7);
  assert.equal(views.length, 3);
});
