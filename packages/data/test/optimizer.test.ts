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
