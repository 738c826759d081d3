import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';
import { memorySource } from './fixtures/memory-source.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('adjacent maps fuse into the read: one operator in explain() and stats()', async () => {
  const ds = data.range(100).map(udfs.addDouble).filter(udfs.isEven).mapBatches(udfs.batchSizes, { batchSize: 10 });
  const plan = await ds.explain();
  assert.match(plan, /Optimized Plan --------\nReadRange->Map\(addDouble\)->Filter\(isEven\)->MapBatches\(batchSizes\)$/);
  assert.equal(await ds.count(), 50);
  const s = await ds.statsSummary();
  assert.deepEqual(s.operators.map((o) => o.name), ['ReadRange->Map(addDouble)->Filter(isEven)->MapBatches(batchSizes)']);
  assert.equal(s.operators[0]!.rows, 50);
  assert.match(await ds.stats(), /Operator 1 ReadRange->Map\(addDouble\)->Filter\(isEven\)->MapBatches\(batchSizes\): \d+ tasks executed/);
});

test('an actor-pool map and different resources are not fused', async () => {
  const ds = data.range(20).map(udfs.addDouble).mapBatches(udfs.Tagger, { concurrency: 1, fnConstructorArgs: ['t'] }).map(udfs.isEvenRow, { numCpus: 0.5 });
  assert.equal(await ds.count(), 20);
  const names = (await ds.statsSummary()).operators.map((o) => o.name);
  assert.deepEqual(names, ['ReadRange->Map(addDouble)', 'MapBatches(Tagger)', 'Map(isEvenRow)']);
});

test('limit is pushed below row-preserving maps and into the read', async () => {
  const ds = data.range(1_000_000).map(udfs.addDouble).limit(5);
  const plan = await ds.explain();
  assert.match(plan, /Optimized Plan --------\nMap\(addDouble\)\n \+- Limit\[5\]\n    \+- ReadRange\[limit=5\]/);
  assert.deepEqual((await ds.takeAll()).map((r) => r.double), [0, 2, 4, 6, 8]);
  const s = await ds.statsSummary();
  // The read produced only a few rows per task, not a million.
  const read = s.operators.find((o) => o.name === 'ReadRange')!;
  assert.ok(read.rows <= 5 * 8, `read ${read.rows} rows`);
  // A filter keeps the limit above it.
  assert.match(await data.range(100).filter(udfs.isEven).limit(3).explain(), /Optimized Plan --------\nLimit\[3\]\n \+- ReadRange->Filter\(isEven\)$/);
});

test('selectColumns right after a read becomes ReadOptions.columns (projection pushdown)', async () => {
  const rows = [{ a: 1, b: 'secret' }, { a: 2, b: 'secret' }];
  const ds = data.readDatasource(memorySource(rows, 'b'));
  await assert.rejects(ds.takeAll(), (e: unknown) => e instanceof data.DataOperatorError && e.operator === 'ReadMemory' && /must not be read/.test(e.message));
  const projected = ds.selectColumns(['a']);
  assert.match(await projected.explain(), /ReadMemory\[columns=\[a\]\]->SelectColumns/);
  assert.deepEqual(await projected.takeAll(), [{ a: 1 }, { a: 2 }]);
});

test('groupBy after a read reads only its key and value columns and aggregates inside the read tasks', async () => {
  const rows = Array.from({ length: 40 }, (_, i) => ({ k: `k${i % 3}`, v: i, secret: 'do not read' }));
  const ds = data.readDatasource(memorySource(rows, 'secret')).groupBy('k').aggregate(new data.Count(), new data.Sum('v'));
  assert.match(await ds.explain(), /Optimized Plan --------\nAggregate\[k: count\(\), sum\(v\)\]\n \+- ReadMemory\[columns=\[k,v\]\]->PartialAggregate\[k\]$/);
  const sum = (m: number) => rows.filter((_, i) => i % 3 === m).reduce((s, r) => s + r.v, 0);
  assert.deepEqual(await ds.takeAll(), [
    { k: 'k0', 'count()': 14, 'sum(v)': sum(0) }, { k: 'k1', 'count()': 13, 'sum(v)': sum(1) }, { k: 'k2', 'count()': 13, 'sum(v)': sum(2) },
  ]);
  const s = await ds.statsSummary();
  assert.deepEqual(s.operators.map((o) => o.name), ['ReadMemory->PartialAggregate[k]', 'Aggregate[k: count(), sum(v)]']);
  // The read tasks send one row of partial states per group, not their rows.
  assert.ok(s.operators[0]!.rows <= 3 * s.operators[0]!.tasks, `partial rows ${s.operators[0]!.rows}`);
  assert.equal(await data.readDatasource(memorySource(rows, 'secret')).sum('v'), sum(0) + sum(1) + sum(2));
});

test('a groupBy with many groups range-partitions the partial states over several reduce tasks', async () => {
  const n = 300_000;
  const ds = data.range(n, { overrideNumBlocks: 6 }).map(udfs.modGroup, { fnArgs: [n] }).groupBy('g').count();
  const rows = await ds.takeAll();
  assert.equal(rows.length, n);
  assert.ok(rows.every((r, i) => r.g === i && r['count()'] === 1));
  const agg = (await ds.statsSummary()).operators.find((o) => o.name.startsWith('Aggregate'))!;
  assert.ok(agg.tasks >= 2 + 2, `sample/map/reduce tasks: ${agg.tasks}`);
});
