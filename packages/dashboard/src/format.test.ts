import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, formatResources, formatUsage, shortId, sumResources, taskDuration, usage } from './format.js';

test('bytes, durations and ids read well', () => {
  assert.deepEqual([0, 1023, 1536, 10 << 20, 3 * 2 ** 30].map(formatBytes), ['0 B', '1023 B', '1.5 KiB', '10 MiB', '3.0 GiB']);
  assert.deepEqual([450, 12_340, 245_000, 7_380_000].map(formatDuration), ['450 ms', '12.3 s', '4m 05s', '2h 03m']);
  assert.equal(formatDuration(undefined), '–');
  assert.equal(shortId('a1b2c3d4e5f6t1z'), 'a1b2…5f6t1z');
  assert.equal(shortId('short'), 'short');
});

test('resources: bytes for memory, used / total from available', () => {
  assert.equal(formatResources({ CPU: 1, GPU: 0, memory: 2 * 2 ** 30 }), 'CPU 1, memory 2.0 GiB');
  const u = usage({ CPU: 4, objectStoreMemory: 1024 }, { CPU: 1, objectStoreMemory: 512 }, 'CPU');
  assert.deepEqual(u, { used: 3, total: 4, share: 0.75 });
  assert.equal(formatUsage('objectStoreMemory', usage({ objectStoreMemory: 1024 }, { objectStoreMemory: 512 }, 'objectStoreMemory')), '512 B / 1.0 KiB');
  assert.deepEqual(sumResources([{ CPU: 1 }, { CPU: 2, GPU: 1 }]), { CPU: 3, GPU: 1 });
});

test('a running task lasts until now from its RUNNING event; an ended one until its end', () => {
  assert.equal(taskDuration({ state: 'RUNNING', events: [{ state: 'PENDING_NODE_ASSIGNMENT', ts: 0 }, { state: 'RUNNING', ts: 100 }] }, 1100), 1000);
  assert.equal(taskDuration({ state: 'FINISHED', startTimeMs: 100, endTimeMs: 350 }, 9999), 250);
  assert.equal(taskDuration({ state: 'PENDING_NODE_ASSIGNMENT', events: [] }, 5), undefined);
});
