import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

const ids = (rows: data.Row[]) => rows.map((r) => r.id as number);
const seq = (n: number) => Array.from({ length: n }, (_, i) => i);

test('repartition without shuffle: equal blocks, same order', async () => {
  const m = await data.range(10, { overrideNumBlocks: 3 }).repartition(4).materialize();
  assert.equal(m.numBlocks(), 4);
  assert.deepEqual(m.bundles.map((b) => b.meta.numRows), [2, 3, 2, 3]);
  assert.deepEqual(ids(await m.takeAll()), seq(10));
});

test('repartition with shuffle: every row once, in the requested blocks', async () => {
  const m = await data.range(100, { overrideNumBlocks: 5 }).repartition(3, { shuffle: true }).materialize();
  assert.equal(m.numBlocks(), 3);
  assert.deepEqual(ids(await m.takeAll()).sort((a, b) => a - b), seq(100));
});

test('randomShuffle: a permutation, repeatable with a seed', async () => {
  const a = ids(await data.range(200, { overrideNumBlocks: 4 }).randomShuffle({ seed: 42 }).takeAll());
  const b = ids(await data.range(200, { overrideNumBlocks: 4 }).randomShuffle({ seed: 42 }).takeAll());
  const c = ids(await data.range(200, { overrideNumBlocks: 4 }).randomShuffle({ seed: 7 }).takeAll());
  assert.deepEqual([...a].sort((x, y) => x - y), seq(200));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, seq(200));
  assert.notDeepEqual(a, c);
});

test('sort: ascending, descending, strings, multiple keys, nulls last', async () => {
  const shuffled = data.range(1000, { overrideNumBlocks: 6 }).randomShuffle({ seed: 1 });
  assert.deepEqual(ids(await shuffled.sort('id').takeAll()), seq(1000));
  assert.deepEqual(ids(await shuffled.sort('id', { descending: true }).takeAll()), seq(1000).reverse());
  const items = data.fromItems([
    { k: 'b', v: 2 }, { k: 'a', v: 3 }, { k: null, v: 0 }, { k: 'b', v: 1 }, { k: 'a', v: 1 }, { k: 'c', v: 5 },
  ], { overrideNumBlocks: 3 });
  assert.deepEqual(await items.sort(['k', 'v']).takeAll(), [
    { k: 'a', v: 1 }, { k: 'a', v: 3 }, { k: 'b', v: 1 }, { k: 'b', v: 2 }, { k: 'c', v: 5 }, { k: null, v: 0 },
  ]);
  assert.deepEqual(await items.sort(['k', 'v'], { descending: [false, true] }).takeAll(), [
    { k: 'a', v: 3 }, { k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'b', v: 1 }, { k: 'c', v: 5 }, { k: null, v: 0 },
  ]);
});

const groups = () => data.fromItems(
  [
    { g: 'x', v: 1 }, { g: 'y', v: 10 }, { g: 'x', v: 3 }, { g: 'z', v: 7 }, { g: 'y', v: 20 }, { g: 'x', v: 5 },
    { g: 'y', v: null }, { g: 'z', v: 9 },
  ],
  { overrideNumBlocks: 3 },
);

test('groupBy().aggregate: count, sum, mean, min, max, std, sorted by key', async () => {
  const rows = await groups()
    .groupBy('g')
    .aggregate(new data.Count(), new data.Sum('v'), new data.Mean('v'), new data.Min('v'), new data.Max('v'), new data.Std('v'))
    .takeAll();
  assert.deepEqual(rows.map((r) => [r.g, r['count()'], r['sum(v)'], r['mean(v)'], r['min(v)'], r['max(v)']]), [
    ['x', 3, 9, 3, 1, 5],
    ['y', 3, 30, 15, 10, 20],
    ['z', 2, 16, 8, 7, 9],
  ]);
  assert.equal(rows[0]!['std(v)'], 2);
  assert.ok(Math.abs((rows[1]!['std(v)'] as number) - Math.sqrt(50)) < 1e-9);
  assert.deepEqual(await groups().groupBy('g').count().takeAll(), [{ g: 'x', 'count()': 3 }, { g: 'y', 'count()': 3 }, { g: 'z', 'count()': 2 }]);
  assert.deepEqual(await groups().groupBy('g').sum('v').takeAll(), [{ g: 'x', 'sum(v)': 9 }, { g: 'y', 'sum(v)': 30 }, { g: 'z', 'sum(v)': 16 }]);
});

test('groupBy on many rows spreads groups over reduce tasks', async () => {
  const rows = await data.range(10_000, { overrideNumBlocks: 8 }).map(udfs.modGroup, { fnArgs: [50] }).groupBy('g').count().takeAll();
  assert.equal(rows.length, 50);
  assert.deepEqual(rows.map((r) => r.g), seq(50));
  assert.ok(rows.every((r) => r['count()'] === 200));
});

test('groupBy().mapGroups runs the function once per group', async () => {
  const rows = await groups().groupBy('g').mapGroups(udfs.sumGroup).takeAll();
  assert.deepEqual(rows, [{ g: 'x', total: 9, n: 3 }, { g: 'y', total: 30, n: 3 }, { g: 'z', total: 16, n: 2 }]);
});

test('whole-dataset aggregations', async () => {
  const ds = data.range(101);
  assert.equal(await ds.sum('id'), 5050);
  assert.equal(await ds.min('id'), 0);
  assert.equal(await ds.max('id'), 100);
  assert.equal(await ds.mean('id'), 50);
  assert.ok(Math.abs((await ds.std('id'))! - Math.sqrt((101 * 102) / 12)) < 1e-9);
  assert.deepEqual(await ds.aggregate(new data.Count(), new data.AbsMax('id')), { 'count()': 101, 'abs_max(id)': 100 });
  assert.deepEqual(await data.range(0).aggregate(new data.Count(), new data.Sum('id')), { 'count()': 0, 'sum(id)': null });
});
