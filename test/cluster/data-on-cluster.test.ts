import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { startCluster, waitFor, type TestCluster } from './harness.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 1 }, { cpus: 1 }]);
  await ray.init({ address: cluster.address, token: cluster.token });
  await waitFor(async () => (await ray.clusterResources()).CPU === 3, 15_000, '3 CPUs');
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
});

test('a Data pipeline runs unchanged on a cluster: map, filter, groupBy and sort give the same answers as on one machine', { timeout: 120_000 }, async () => {
  const n = 20_000;
  const ds = data
    .range(n, { overrideNumBlocks: 12 })
    .map((r) => ({ id: r.id as number, k: (r.id as number) % 7, v: (r.id as number) * 2 }))
    .filter((r) => (r.id as number) % 3 !== 0);
  const rows = await ds.takeAll();
  const expected = Array.from({ length: n }, (_, id) => id).filter((id) => id % 3 !== 0);
  assert.deepEqual(rows.map((r) => r.id), expected);
  const groups = await ds.groupBy('k').aggregate(new data.Count(), new data.Sum('v')).sort('k').takeAll();
  assert.equal(groups.length, 7);
  for (const g of groups) {
    const ids = expected.filter((id) => id % 7 === g.k);
    assert.equal(Number(g['count()']), ids.length);
    assert.equal(Number(g['sum(v)']), ids.reduce((a, id) => a + id * 2, 0));
  }
  const sorted = await ds.sort('v', { descending: true }).limit(3).takeAll();
  assert.deepEqual(sorted.map((r) => r.id), expected.slice(-3).reverse());
});
