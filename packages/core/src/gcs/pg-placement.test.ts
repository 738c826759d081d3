import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleResources, pgRequest, placeBundles } from './pg-placement.js';
import { fits } from '../node/resources.js';

const nodes = [
  { nodeId: 'a', available: { CPU: 4 } },
  { nodeId: 'b', available: { CPU: 2 } },
  { nodeId: 'c', available: { CPU: 1 } },
];

test('STRICT_PACK puts every bundle on one node, or waits', () => {
  assert.deepEqual(placeBundles([{ CPU: 2 }, { CPU: 2 }], 'STRICT_PACK', nodes), ['a', 'a']);
  assert.equal(placeBundles([{ CPU: 3 }, { CPU: 2 }], 'STRICT_PACK', nodes), undefined);
});

test('PACK prefers one node and spills over when it must', () => {
  assert.deepEqual(placeBundles([{ CPU: 1 }, { CPU: 1 }], 'PACK', nodes), ['a', 'a']);
  const p = placeBundles([{ CPU: 3 }, { CPU: 2 }], 'PACK', nodes)!;
  assert.deepEqual(p, ['a', 'b']);
});

test('STRICT_SPREAD puts each bundle on its own node, or waits', () => {
  const p = placeBundles([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'STRICT_SPREAD', nodes)!;
  assert.equal(new Set(p).size, 3);
  assert.equal(placeBundles([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'STRICT_SPREAD', nodes), undefined);
});

test('SPREAD uses distinct nodes while it can, then doubles up', () => {
  const p = placeBundles([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }, { CPU: 1 }], 'SPREAD', nodes)!;
  assert.equal(new Set(p).size, 3);
  assert.equal(p.length, 4);
});

test('a bundle that fits nowhere leaves the group unplaced', () => {
  assert.equal(placeBundles([{ CPU: 8 }], 'PACK', nodes), undefined);
  assert.equal(placeBundles([{ GPU: 1 }], 'SPREAD', nodes), undefined);
});

test('a task in bundle i fits only the resources bundle i added', () => {
  const r0 = bundleResources('pg1', 0, { CPU: 2 });
  const r1 = bundleResources('pg1', 1, { CPU: 1 });
  assert.ok(fits(pgRequest({ CPU: 2 }, 'pg1', 0), r0));
  assert.ok(!fits(pgRequest({ CPU: 2 }, 'pg1', 1), r1));
  assert.ok(fits(pgRequest({ CPU: 1 }, 'pg1', -1), r1));
  assert.ok(fits(pgRequest({}, 'pg1', 1), r1));
  assert.ok(!fits(pgRequest({ CPU: 1 }, 'pg2', -1), r1));
});
