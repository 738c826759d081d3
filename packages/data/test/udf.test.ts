import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('exported functions ship as module exports; self-contained lambdas ship as source', async () => {
  assert.deepEqual(await data.range(3).map(udfs.addDouble).takeAll(), [{ id: 0, double: 0 }, { id: 1, double: 2 }, { id: 2, double: 4 }]);
  // Not exported: rebuilt from its source text in the worker.
  assert.deepEqual(await data.range(3).map((r) => ({ id: r.id, neg: -(r.id as number) })).takeAll(), [{ id: 0, neg: -0 }, { id: 1, neg: -1 }, { id: 2, neg: -2 }]);
  // Values come through fnArgs.
  assert.deepEqual(await data.range(3).map((r, k: number) => ({ id: (r.id as number) + k }), { fnArgs: [10] }).takeAll(), [{ id: 10 }, { id: 11 }, { id: 12 }]);
  // A nested helper inside a lambda survives the trip (tsx's __name helper is provided).
  assert.deepEqual(await data.range(2).map((r) => {
    const inc = (x: number) => x + 1;
    return { id: inc(r.id as number) };
  }).takeAll(), [{ id: 1 }, { id: 2 }]);
});

test('a lambda that uses a driver variable fails with UdfFreeVariableError naming it', async () => {
  const offset = 5;
  const addOffset = (r: data.Row) => ({ id: (r.id as number) + offset });
  await assert.rejects(data.range(3).map(addOffset).takeAll(), (e: unknown) => {
    assert.ok(e instanceof data.UdfFreeVariableError, `got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.equal(e.functionName, 'addOffset');
    assert.equal(e.variable, 'offset');
    assert.match(e.message, /Export 'addOffset'.*fnArgs/s);
    return true;
  });
});

test('a function that throws on row 7 fails with DataOperatorError naming the operator and row', async () => {
  await assert.rejects(data.range(20, { overrideNumBlocks: 2 }).map(udfs.failOnSeven).takeAll(), (e: unknown) => {
    assert.ok(e instanceof data.DataOperatorError, `got ${(e as Error)?.name}`);
    assert.equal(e.operator, 'Map(failOnSeven)');
    assert.equal(e.rowIndex, 7);
    assert.equal(e.inputPreview, '{"id":7}');
    assert.match(e.message, /Map\(failOnSeven\) failed on row 7: Error: seven is not allowed/);
    assert.equal((e.cause as Error).message, 'seven is not allowed');
    return true;
  });
  // Also from iteration and from count.
  await assert.rejects(async () => {
    for await (const _ of data.range(20).map(udfs.failOnSeven).iterRows()) void _;
  }, data.DataOperatorError);
  await assert.rejects(data.range(20).filter(udfs.failOnSeven).count(), (e: unknown) => e instanceof data.DataOperatorError && e.operator === 'Filter(failOnSeven)');
});

test('mapBatches with a class runs on an actor pool: one constructor call per actor', async () => {
  const rows = await data.range(400, { overrideNumBlocks: 8 })
    .mapBatches(udfs.Tagger, { concurrency: 2, batchSize: 25, fnConstructorArgs: ['pool'] })
    .takeAll();
  assert.deepEqual(rows.map((r) => r.id), Array.from({ length: 400 }, (_, i) => i));
  const tags = new Set(rows.map((r) => r.tag));
  assert.ok(tags.size >= 1 && tags.size <= 2, `expected at most 2 actors, got ${tags.size}`);
  for (const t of tags) assert.match(t as string, /^pool-/);
  // Each instance was the first (and only) one constructed in its actor.
  assert.ok(rows.every((r) => r.created === 1));
});

test('a class whose constructor throws fails the dataset with a typed error', async () => {
  await assert.rejects(
    data.range(10).mapBatches(udfs.BrokenCtor, { concurrency: 1 }).takeAll(),
    (e: unknown) => e instanceof data.DataOperatorError && e.operator === 'MapBatches(BrokenCtor)' && /constructor broke/.test(e.message),
  );
});

test('async functions and generator batch functions', async () => {
  assert.deepEqual(await data.range(3).map(udfs.asyncInc).takeAll(), [{ id: 1 }, { id: 2 }, { id: 3 }]);
  const rows = await data.range(4, { overrideNumBlocks: 1 }).mapBatches(udfs.splitInTwo, { batchSize: null }).takeAll();
  assert.deepEqual(rows.map((r) => r.id), [0, 1, 2, 3]);
  assert.deepEqual(rows.map((r) => r.half), [0, 0, 1, 1]);
});
