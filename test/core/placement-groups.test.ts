import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('a placement group reserves its bundles; tasks run inside it; removal gives them back', async () => {
  const pg = ray.placementGroup([{ CPU: 1 }], { strategy: 'STRICT_PACK', name: 'one-cpu' });
  await pg.ready(10_000);
  assert.equal((await ray.availableResources()).CPU, 1);
  const inside = defs.square.options({ schedulingStrategy: { type: 'PLACEMENT_GROUP', placementGroup: pg, bundleIndex: 0 } });
  assert.deepEqual(await ray.get([1, 2, 3].map((x) => inside.remote(x))), [1, 4, 9]);
  assert.equal((await ray.getPlacementGroup('one-cpu')).id, pg.id);
  await ray.removePlacementGroup(pg);
  assert.equal((await ray.availableResources()).CPU, 2);
});

test('a group that does not fit stays pending: wait() says false, ready() times out', async () => {
  const pg = ray.placementGroup([{ CPU: 2 }, { CPU: 2 }], { strategy: 'STRICT_PACK' });
  assert.equal(await pg.wait(300), false);
  await assert.rejects(pg.ready(200), ray.GetTimeoutError);
  await ray.removePlacementGroup(pg);
  assert.equal((await ray.availableResources()).CPU, 2);
});

test('bad placement-group input throws typed errors and reserves nothing', async () => {
  assert.throws(() => ray.placementGroup([]), TypeError);
  assert.throws(() => ray.placementGroup([{ CPU: -1 }]), RangeError);
  assert.throws(() => ray.placementGroup([{ CPU: 1 }], { strategy: 'WIDE' as never }), TypeError);
  const pg = ray.placementGroup([{ CPU: 1 }]);
  assert.throws(() => defs.square.options({ schedulingStrategy: { type: 'PLACEMENT_GROUP', placementGroup: pg, bundleIndex: 3 } }), RangeError);
  await pg.ready(5000);
  await ray.removePlacementGroup(pg);
  assert.equal((await ray.availableResources()).CPU, 2);
});

test('NODE_LABEL with hard labels on the embedded cluster (no labels) is infeasible at once', async () => {
  await assert.rejects(ray.get(defs.square.options({ schedulingStrategy: { type: 'NODE_LABEL', hard: { zone: 'a' } } }).remote(2)), ray.InfeasibleError);
  assert.throws(() => defs.square.options({ schedulingStrategy: { type: 'NODE_LABEL', hard: { zone: 1 as never } } }), TypeError);
});
