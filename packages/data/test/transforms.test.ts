import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { tableFromArrays } from 'apache-arrow';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

const ids = (rows: data.Row[]) => rows.map((r) => r.id);

test('range, map, filter, flatMap give exact rows in order', async () => {
  assert.deepEqual(await data.range(5).takeAll(), [0, 1, 2, 3, 4].map((id) => ({ id })));
  assert.deepEqual(await data.range(6).map(udfs.addDouble).takeAll(), [0, 1, 2, 3, 4, 5].map((id) => ({ id, double: id * 2 })));
  assert.deepEqual(ids(await data.range(10).filter(udfs.isEven).takeAll()), [0, 2, 4, 6, 8]);
  assert.deepEqual(await data.range(2).flatMap(udfs.twice).takeAll(), [
    { id: 0, copy: 0 }, { id: 0, copy: 1 }, { id: 1, copy: 0 }, { id: 1, copy: 1 },
  ]);
});

test('fromItems and fromArrow', async () => {
  const ds = data.fromItems([{ a: 1, s: 'x' }, { a: 2, s: 'y' }, { a: 3, s: null }]);
  assert.deepEqual(await ds.takeAll(), [{ a: 1, s: 'x' }, { a: 2, s: 'y' }, { a: 3, s: null }]);
  assert.deepEqual(await data.fromItems([1, 2, 3]).takeAll(), [{ item: 1 }, { item: 2 }, { item: 3 }]);
  const t = tableFromArrays({ x: new Float64Array([1.5, 2.5]), y: new Int32Array([7, 8]) });
  const rows = await data.fromArrow([t, t]).takeAll();
  assert.deepEqual(rows, [{ x: 1.5, y: 7 }, { x: 2.5, y: 8 }, { x: 1.5, y: 7 }, { x: 2.5, y: 8 }]);
  assert.equal(String((await data.fromArrow(t).schema())!.fields[1]!.type), 'Int32');
});

test('mapBatches: columns, arrow and rows formats, batchSize and fnArgs', async () => {
  const out = await data.range(10, { overrideNumBlocks: 2 }).mapBatches(udfs.addToIds, { fnArgs: [100], batchSize: 3 }).takeAll();
  assert.deepEqual(ids(out), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  const sizes = await data.range(10, { overrideNumBlocks: 1 }).mapBatches(udfs.batchSizes, { batchSize: 4 }).takeAll();
  assert.deepEqual(sizes.map((r) => r.size), [4, 4, 4, 4, 4, 4, 4, 4, 2, 2]);
  const arrow = await data.range(4, { overrideNumBlocks: 1 }).mapBatches(udfs.arrowPassThrough, { batchFormat: 'arrow' }).takeAll();
  assert.deepEqual(arrow, [0, 1, 2, 3].map((id) => ({ id, rows: 4 })));
  const rows = await data.range(3).mapBatches(udfs.rowsUpper, { batchFormat: 'rows' }).takeAll();
  assert.deepEqual(rows, [{ id: 0, label: 'ID-0' }, { id: 1, label: 'ID-1' }, { id: 2, label: 'ID-2' }]);
});

test('column operations: addColumn, selectColumns, dropColumns, renameColumns', async () => {
  const ds = data.fromItems([{ a: 1, b: 2, c: 3 }, { a: 4, b: 5, c: 6 }]);
  assert.deepEqual(await ds.addColumn('sum', udfs.sumAB).takeAll(), [{ a: 1, b: 2, c: 3, sum: 3 }, { a: 4, b: 5, c: 6, sum: 9 }]);
  assert.deepEqual(await ds.selectColumns(['c', 'a']).takeAll(), [{ c: 3, a: 1 }, { c: 6, a: 4 }]);
  assert.deepEqual(await ds.dropColumns('b').takeAll(), [{ a: 1, c: 3 }, { a: 4, c: 6 }]);
  assert.deepEqual(await ds.renameColumns({ a: 'x' }).takeAll(), [{ x: 1, b: 2, c: 3 }, { x: 4, b: 5, c: 6 }]);
  await assert.rejects(ds.selectColumns('nope').takeAll(), (e: unknown) => e instanceof data.DataOperatorError && /'nope' not found/.test(e.message));
  assert.deepEqual(await ds.columns(), ['a', 'b', 'c']);
});

test('limit, union and zip', async () => {
  assert.deepEqual(ids(await data.range(100).limit(3).takeAll()), [0, 1, 2]);
  assert.equal(await data.range(100).filter(udfs.isEven).limit(7).count(), 7);
  assert.deepEqual(ids(await data.range(3).union(data.range(2), data.fromItems([{ id: 9 }])).takeAll()), [0, 1, 2, 0, 1, 9]);
  const z = await data.range(5, { overrideNumBlocks: 2 }).zip(data.range(5, { overrideNumBlocks: 3 }).map(udfs.addDouble)).takeAll();
  assert.deepEqual(z, [0, 1, 2, 3, 4].map((i) => ({ id: i, id_1: i, double: 2 * i })));
  await assert.rejects(data.range(3).zip(data.range(4)).takeAll(), (e: unknown) => e instanceof data.DataOperatorError && /same number of rows/.test(e.message));
  // A zip waits for all of both inputs: their blocks must not be held back by the queue cap
  // (this once deadlocked when more blocks were queued for the zip than the cap allows).
  const many = await data.range(40, { overrideNumBlocks: 10 }).zip(data.range(40, { overrideNumBlocks: 10 }).map(udfs.addDouble)).count();
  assert.equal(many, 40);
});

test('consumption: iterBatches, iterRows, take, takeBatch, count, schema, show, materialize', async () => {
  const ds = data.range(10, { overrideNumBlocks: 3 });
  const batches: number[][] = [];
  for await (const b of ds.iterBatches({ batchSize: 4 })) batches.push(Array.from(b.id as Int32Array));
  assert.deepEqual(batches, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  const dropped: number[] = [];
  for await (const b of ds.iterBatches({ batchSize: 4, dropLast: true, batchFormat: 'rows' })) dropped.push(b.length);
  assert.deepEqual(dropped, [4, 4]);
  let n = 0;
  for await (const b of ds.iterBatches({ batchSize: 5, batchFormat: 'arrow' })) n += b.numRows;
  assert.equal(n, 10);
  const rows: number[] = [];
  for await (const r of ds.iterRows()) rows.push(r.id as number);
  assert.deepEqual(rows, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(ids(await ds.take(3)), [0, 1, 2]);
  assert.deepEqual(Array.from((await ds.takeBatch(3)).id as Int32Array), [0, 1, 2]);
  assert.equal(await ds.count(), 10);
  assert.equal(String((await ds.schema())!.fields[0]!.type), 'Int32');
  const m = await ds.map(udfs.addDouble).materialize();
  assert.equal(await m.count(), 10);
  assert.equal(m.numBlocks(), 3);
  assert.deepEqual((await m.take(2)), [{ id: 0, double: 0 }, { id: 1, double: 2 }]);
  const logged: string[] = [];
  const orig = console.log;
  console.log = (s: string) => logged.push(s);
  try {
    await ds.show(2);
  } finally {
    console.log = orig;
  }
  assert.deepEqual(logged, ['{"id":0}', '{"id":1}']);
});

test('bad options throw TypeError/RangeError naming the field, at the call site', () => {
  assert.throws(() => data.range(3).mapBatches(udfs.addToIds, { batchSize: 0 }), (e: unknown) => e instanceof RangeError && /batchSize/.test(e.message));
  assert.throws(() => data.range(3).mapBatches(udfs.addToIds, { batchFormat: 'pandas' as never }), (e: unknown) => e instanceof TypeError && /batchFormat/.test(e.message));
  assert.throws(() => data.range(3).map(udfs.addDouble, { bogus: 1 } as never), (e: unknown) => e instanceof TypeError && /bogus/.test(e.message));
  assert.throws(() => data.range(-1), RangeError);
  assert.throws(() => data.range(3).limit(1.5), TypeError);
});
