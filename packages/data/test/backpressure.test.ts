import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';

const MB = 1024 * 1024;
const STORE = 256 * MB;
let sessionDir = '';

before(async () => {
  sessionDir = (await ray.init({ numCpus: 2, objectStoreMemory: STORE })).sessionDir;
});
after(() => ray.shutdown());

function spilledBytes(): number {
  let n = 0;
  try {
    for (const f of readdirSync(join(sessionDir, 'spill'))) {
      try {
        n += statSync(join(sessionDir, 'spill', f)).size;
      } catch {
        /* restored meanwhile */
      }
    }
  } catch {
    /* no spill directory yet */
  }
  return n;
}

test('a dataset 5x the object store streams through without spilling it all', async () => {
  const ctx = data.DataContext.getCurrent();
  const saved = { ...ctx.executionOptions };
  // The default budget is a quarter of the store the cluster reports.
  delete ctx.executionOptions.objectStoreMemoryLimit;
  const blocks = 310;
  const rowsPerBlock = 65536;
  const cols = 8;
  const total = blocks * rowsPerBlock;
  const bytes = total * (cols * 8 + 4);
  assert.ok(bytes >= 5 * STORE, `dataset ${bytes} bytes is 5x the store`);
  let maxSpilled = 0;
  const timer = setInterval(() => (maxSpilled = Math.max(maxSpilled, spilledBytes())), 20);
  try {
    const ds = data.range(total, { overrideNumBlocks: blocks })
      .mapBatches(udfs.inflate, { batchSize: null, fnArgs: [cols] })
      .mapBatches(udfs.rowSums, { batchSize: null, numCpus: 0.5, batchFormat: 'arrow' });
    let rows = 0;
    let check = 0;
    for await (const b of ds.iterBatches({ batchSize: null, batchFormat: 'arrow' })) {
      rows += b.numRows;
      check += (b.getChild('s')!.get(0) as number);
    }
    assert.equal(rows, total);
    assert.ok(check > 0);
    const s = await ds.statsSummary();
    assert.equal(s.operators.length, 2, 'two operators (the second is not fused: other resources)');
    assert.ok(s.operators[0]!.bytes >= bytes * 0.9, `the first operator output ${s.operators[0]!.bytes} bytes`);
  } finally {
    clearInterval(timer);
    ctx.executionOptions = saved;
  }
  maxSpilled = Math.max(maxSpilled, spilledBytes());
  console.log(`max spilled: ${(maxSpilled / MB).toFixed(1)} MiB of a ${(STORE / MB).toFixed(0)} MiB store`);
  assert.ok(maxSpilled < STORE, `at most one store's worth on disk at once, saw ${(maxSpilled / MB).toFixed(1)} MiB`);
});
