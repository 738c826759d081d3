// numCpus / numGpus of map operators: what tasks and actors are given, and how many run at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';

before(async () => {
  await ray.init({ numCpus: 2, numGpus: 2 });
});
after(() => ray.shutdown());

const overlaps = (rows: data.Row[]) => {
  const spans = [...new Map(rows.map((r) => [`${r.start}-${r.end}`, [r.start as number, r.end as number]])).values()].sort((a, b) => a[0]! - b[0]!);
  return spans.some((s, i) => i > 0 && s[0]! < spans[i - 1]![1]!);
};

test('numGpus: each task of a function holds one GPU; actors of a pool get one each', async () => {
  const rows = await data.range(40, { overrideNumBlocks: 4 }).mapBatches(udfs.gpuAndSpan, { batchSize: 10, numGpus: 1, numCpus: 0 }).takeAll();
  assert.equal(rows.length, 40);
  for (const r of rows) assert.match(r.gpus as string, /^[01]$/, `row ${r.id} ran with GPUs '${r.gpus}'`);
  const actors = await data.range(40, { overrideNumBlocks: 4 }).mapBatches(udfs.GpuReporter, { concurrency: 2, numGpus: 1, batchSize: 10 }).takeAll();
  const byPid = new Map(actors.map((r) => [r.pid, r.visible]));
  assert.equal(byPid.size, 2);
  assert.deepEqual([...byPid.values()].sort(), ['0', '1']);
});

test('numCpus: tasks that each hold both CPUs run one at a time; half a CPU each lets them overlap', { timeout: 60_000 }, async () => {
  const whole = await data.range(8, { overrideNumBlocks: 4 }).mapBatches(udfs.gpuAndSpan, { batchSize: 2, numCpus: 2 }).takeAll();
  assert.equal(whole.length, 8);
  assert.equal(overlaps(whole), false, 'tasks holding 2 of 2 CPUs never overlap');
  // Half a CPU each: two tasks run at once. Each waits for another at a rendezvous actor, so
  // the check does not depend on timing (run one at a time, the first would wait in vain).
  const meeting = udfs.Rendezvous.options({ name: 'rendezvous', numCpus: 0 }).remote();
  try {
    const half = await data.range(8, { overrideNumBlocks: 4 }).mapBatches(udfs.meetAnother, { batchSize: 2, numCpus: 0.5 }).takeAll();
    assert.equal(half.length, 8);
    assert.ok(half.every((r) => r.met === true), 'tasks holding half a CPU run side by side');
  } finally {
    ray.kill(meeting);
  }
});
