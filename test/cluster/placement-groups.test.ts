import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/cluster-defs.js';
import { startCluster, waitFor, type TestCluster } from './harness.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 2 }, { cpus: 2 }]);
  await ray.init({ address: cluster.address, token: cluster.token });
  await waitFor(async () => (await ray.clusterResources()).CPU === 5, 15_000, '5 CPUs');
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
});

const inBundle = (pg: ray.PlacementGroup, bundleIndex: number) => ({ schedulingStrategy: { type: 'PLACEMENT_GROUP' as const, placementGroup: pg, bundleIndex } });

test('STRICT_SPREAD puts each bundle on its own node; tasks and actors go to their bundle\'s node', { timeout: 60_000 }, async () => {
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }], { strategy: 'STRICT_SPREAD' });
  await pg.ready(20_000);
  const where = await ray.get([0, 1, 2].map((i) => defs.whereAmI.options(inBundle(pg, i)).remote(0)));
  assert.equal(new Set(where).size, 3, `bundles on ${where.join(', ')}`);
  // Every call into bundle i runs where bundle i is.
  for (let i = 0; i < 3; i++) {
    const again = await ray.get(Array.from({ length: 3 }, () => defs.whereAmI.options(inBundle(pg, i)).remote(0)));
    assert.deepEqual(new Set(again), new Set([where[i]]));
  }
  const actor = defs.RemoteCounter.options(inBundle(pg, 2)).remote();
  assert.equal(await ray.get(actor.node.remote()), where[2]);
  ray.kill(actor);
  await ray.removePlacementGroup(pg);
});

test('STRICT_PACK puts every bundle on one node; a fourth STRICT_SPREAD bundle on 3 nodes stays pending', { timeout: 60_000 }, async () => {
  const pack = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: 'STRICT_PACK' });
  await pack.ready(20_000);
  const where = await ray.get([0, 1].map((i) => defs.whereAmI.options(inBundle(pack, i)).remote(0)));
  assert.equal(new Set(where).size, 1);
  assert.notEqual(where[0], cluster.head.nodeId); // the head has 1 CPU: only a 2-CPU node fits both
  const spread = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }, { CPU: 1 }], { strategy: 'STRICT_SPREAD' });
  assert.equal(await spread.wait(1500), false);
  await ray.removePlacementGroup(spread);
  await ray.removePlacementGroup(pack);
  await waitFor(async () => (await ray.availableResources()).CPU === 5, 10_000, 'resources back');
});

test('PACK fills one node first; SPREAD uses different nodes', { timeout: 60_000 }, async () => {
  const pack = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: 'PACK' });
  const spread = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: 'SPREAD' });
  await Promise.all([pack.ready(20_000), spread.ready(20_000)]);
  const p = await ray.get([0, 1].map((i) => defs.whereAmI.options(inBundle(pack, i)).remote(0)));
  const s = await ray.get([0, 1].map((i) => defs.whereAmI.options(inBundle(spread, i)).remote(0)));
  assert.equal(new Set(p).size, 1);
  assert.equal(new Set(s).size, 2);
  await ray.removePlacementGroup(pack);
  await ray.removePlacementGroup(spread);
});
