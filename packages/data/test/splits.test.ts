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
const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

test('split(n, { equal }) gives parts of equal rows; split(n) balances whole blocks', async () => {
  const parts = await data.range(10, { overrideNumBlocks: 3 }).split(3, { equal: true });
  assert.deepEqual(await Promise.all(parts.map(async (p) => ids(await p.takeAll()))), [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
  const byBlocks = await data.range(12, { overrideNumBlocks: 4 }).split(2);
  const rows = await Promise.all(byBlocks.map(async (p) => ids(await p.takeAll())));
  assert.deepEqual(rows.map((r) => r.length), [6, 6]);
  assert.deepEqual(rows.flat().sort((a, b) => a - b), seq(12));
});

test('splitAt, randomSplit, trainTestSplit', async () => {
  const [a, b, c] = await data.range(10, { overrideNumBlocks: 3 }).splitAt([2, 7]);
  assert.deepEqual(ids(await a!.takeAll()), [0, 1]);
  assert.deepEqual(ids(await b!.takeAll()), [2, 3, 4, 5, 6]);
  assert.deepEqual(ids(await c!.takeAll()), [7, 8, 9]);
  const parts = await data.range(100).randomSplit([0.8, 0.2], { seed: 3 });
  assert.deepEqual(await Promise.all(parts.map((p) => p.count())), [80, 20]);
  const all = (await Promise.all(parts.map(async (p) => ids(await p.takeAll())))).flat();
  assert.deepEqual(all.sort((x, y) => x - y), seq(100));
  const [train, test] = await data.range(10).trainTestSplit(0.3);
  assert.deepEqual(ids(await train.takeAll()), seq(7));
  assert.deepEqual(ids(await test.takeAll()), [7, 8, 9]);
  const [tr2, te2] = await data.range(10).trainTestSplit(4, { shuffle: true, seed: 1 });
  assert.equal(await tr2.count(), 6);
  assert.equal(await te2.count(), 4);
});

test('streamingSplit(2): two concurrent consumers see every row exactly once, for two epochs', async () => {
  const its = await data.range(1000, { overrideNumBlocks: 10 }).map(udfs.addDouble).streamingSplit(2);
  const consume = async (it: data.DataIterator) => {
    const seen: number[] = [];
    for await (const b of it.iterBatches({ batchSize: 64 })) {
      seen.push(...Array.from(b.id as ArrayLike<number>));
      await new Promise((r) => setTimeout(r, 1));
    }
    return seen;
  };
  for (let epoch = 0; epoch < 2; epoch++) {
    const [x, y] = await Promise.all(its.map(consume));
    assert.ok(x!.length > 0 && y!.length > 0, `both consumers got rows (${x!.length}, ${y!.length})`);
    assert.deepEqual([...x!, ...y!].sort((p, q) => p - q), seq(1000));
  }
});

test('streamingSplit iterators can be passed to actors (training workers)', async () => {
  const its = await data.range(300, { overrideNumBlocks: 6 }).streamingSplit(2);
  const workers = [udfs.RemoteTrainer.remote(), udfs.RemoteTrainer.remote()];
  const counts = await ray.get(workers.map((w, i) => w.consume.remote(its[i]!)));
  assert.equal(counts[0]! + counts[1]!, 300);
  assert.equal((counts as number[]).reduce((s, c) => s + c, 0), 300);
  for (const w of workers) ray.kill(w);
});

test('streamingSplit: a failing function fails every iterator', async () => {
  const its = await data.range(100, { overrideNumBlocks: 4 }).map(udfs.failOnSeven).streamingSplit(2);
  const results = await Promise.allSettled(its.map(async (it) => {
    for await (const _ of it.iterRows()) await new Promise((r) => setTimeout(r, 5));
  }));
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.ok((r as PromiseRejectedResult).reason instanceof data.DataOperatorError);
    assert.equal((r as PromiseRejectedResult).reason.operator, 'Map(failOnSeven)');
    assert.match(String((r as PromiseRejectedResult).reason.message), /seven is not allowed/);
  }
});

test('streamingSplit(3, { equal: true }): every consumer gets the same rows, the remainder is dropped, each epoch', async () => {
  const its = await data.range(1000, { overrideNumBlocks: 7 }).streamingSplit(3, { equal: true });
  const consume = async (it: data.DataIterator, delayMs: number) => {
    const seen: number[] = [];
    for await (const b of it.iterBatches({ batchSize: 50 })) {
      seen.push(...Array.from(b.id as ArrayLike<number>));
      await new Promise((r) => setTimeout(r, delayMs));
    }
    return seen;
  };
  for (let epoch = 0; epoch < 2; epoch++) {
    const parts = await Promise.all(its.map((it, i) => consume(it, i * 3)));
    assert.deepEqual(parts.map((p) => p.length), [333, 333, 333]);
    const all = parts.flat();
    assert.equal(new Set(all).size, 999, 'no row twice');
    assert.ok(all.every((id) => id >= 0 && id < 1000));
  }
  await assert.rejects(data.range(10).streamingSplit(2, { equal: 'yes' as never }), TypeError);
});

test('iterBatches({ localShuffleBufferSize, localShuffleSeed }): shuffled within a buffer, every row once, repeatable', async () => {
  const ds = data.range(10_000, { overrideNumBlocks: 10 });
  const run = async (seed?: number) => {
    const batches: number[][] = [];
    for await (const b of ds.iterBatches({ batchSize: 100, localShuffleBufferSize: 3000, localShuffleSeed: seed })) batches.push(Array.from(b.id as ArrayLike<number>));
    return batches;
  };
  const a = await run(1);
  assert.deepEqual(a.map((b) => b.length), new Array(100).fill(100));
  assert.deepEqual(a.flat().sort((x, y) => x - y), seq(10_000));
  assert.notDeepEqual(a.flat(), seq(10_000));
  // The first batch is drawn from at least 3,100 rows, so it reaches past the first 1,000-row block.
  assert.ok(Math.max(...a[0]!) >= 1000, `first batch max ${Math.max(...a[0]!)}`);
  assert.deepEqual(await run(1), a);
  assert.notDeepEqual(await run(2), a);
  const last: number[] = [];
  for await (const b of data.range(250).iterBatches({ batchSize: 100, localShuffleBufferSize: 50, dropLast: true })) last.push((b.id as ArrayLike<number>).length);
  assert.deepEqual(last, [100, 100]);
  assert.throws(() => ds.iterBatches({ batchSize: null, localShuffleBufferSize: 10 }), TypeError);
  assert.throws(() => ds.iterBatches({ localShuffleSeed: 3 }), TypeError);
});
