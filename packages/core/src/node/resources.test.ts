import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeResources, fits } from './resources.js';

test('fits compares every requested resource', () => {
  assert.ok(fits({ CPU: 1 }, { CPU: 1, GPU: 0 }));
  assert.ok(!fits({ CPU: 1, special: 1 }, { CPU: 4 }));
  assert.ok(fits({ CPU: 0 }, {}));
});

test('acquire and release restore the free amounts', () => {
  const r = new NodeResources({ CPU: 2, GPU: 2, x: 1 });
  assert.ok(r.canAcquire({ CPU: 2, x: 1 }));
  const g = r.acquire({ CPU: 2, x: 1 });
  assert.ok(!r.canAcquire({ CPU: 0.5 }));
  r.release(g);
  assert.deepEqual(r.available(), { CPU: 2, GPU: 2, x: 1 });
});

test('fractional GPUs pack onto one id; whole GPUs take free ids', () => {
  const r = new NodeResources({ CPU: 8, GPU: 2 });
  const a = r.acquire({ GPU: 0.5 });
  const b = r.acquire({ GPU: 0.5 });
  assert.deepEqual(a.gpuIds, b.gpuIds, 'packed on the same GPU');
  assert.ok(r.canAcquire({ GPU: 1 }));
  assert.ok(!r.canAcquire({ GPU: 2 }), 'one GPU is shared out, so two whole ones are not free');
  const whole = r.acquire({ GPU: 1 });
  assert.notDeepEqual(whole.gpuIds, a.gpuIds);
  r.release(a);
  r.release(b);
  r.release(whole);
  assert.ok(r.canAcquire({ GPU: 2 }));
});

test('lend and reclaim let a blocked worker give its CPU away for a while', () => {
  const r = new NodeResources({ CPU: 1 });
  r.acquire({ CPU: 1 });
  assert.ok(!r.canAcquire({ CPU: 1 }));
  r.lend({ CPU: 1 });
  const nested = r.acquire({ CPU: 1 });
  r.reclaim({ CPU: 1 }); // overcommitted until the nested task ends
  r.release(nested);
  assert.ok(!r.canAcquire({ CPU: 1 }));
});

test('feasible is about totals, not what is free', () => {
  const r = new NodeResources({ CPU: 2 });
  r.acquire({ CPU: 2 });
  assert.ok(r.feasible({ CPU: 2 }));
  assert.ok(!r.feasible({ CPU: 3 }));
});
