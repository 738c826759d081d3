/**
 * A worker that puts a steady stream of large values reuses the node's pooled segments:
 * it asks for the next reusable segments when it takes its last one, so the store holds a
 * bounded working set instead of one new segment every few values.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { putStream } from '../fixtures/segment-defs.js';

const MB = 1024 * 1024;

async function storeUsed(): Promise<number> {
  const { currentState } = await import('../../packages/core/src/api/state.js');
  return currentState()!.node!.status().objectStore.used;
}

before(async () => {
  await ray.init({ numCpus: 1, objectStoreMemory: 2048 * MB });
});
after(() => ray.shutdown());

test('a worker putting 300 values of 2 MiB reuses pooled segments (bounded store use)', { timeout: 60_000 }, async () => {
  assert.equal(await ray.get(putStream.remote(20, 2 * MB)), 20);
  const before = await storeUsed();
  assert.equal(await ray.get(putStream.remote(300, 2 * MB)), 300);
  const grew = (await storeUsed()) - before;
  // Before the fix every third put missed and made a new segment (~200 MiB here).
  assert.ok(grew <= 16 * 2 * MB, `the store grew by ${grew} bytes`);
});
