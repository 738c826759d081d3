/**
 * The collective library with real actors: allreduce (exact on integers, 2 and 3 members,
 * lengths not divisible by N, 8M floats), broadcast, allgather, reducescatter, barrier,
 * createCollectiveGroup from the driver, typed errors (uninitialized group, mismatched
 * lengths, a killed member) and no object leak over 500 allreduces.
 */
import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as col from '../src/collective/index.js';
import { MemberActor, valueAt } from './fixtures/collective-actors.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
});

type Member = ReturnType<typeof MemberActor.remote>;

/** Starts `n` member actors and joins them to `groupName`. */
async function group(n: number, groupName: string, memberTimeoutMs?: number): Promise<Member[]> {
  const actors = Array.from({ length: n }, () => MemberActor.remote());
  const ranks = await ray.get(actors.map((a, r) => a.init.remote(n, r, groupName, memberTimeoutMs)));
  assert.deepEqual(ranks, actors.map((_, r) => r));
  return actors;
}

async function teardown(actors: Member[], groupName: string): Promise<void> {
  await ray.get(actors.map((a) => a.destroy.remote(groupName)));
  for (const a of actors) ray.kill(a);
}

function expected(n: number, len: number, op: (a: number, b: number) => number): number[] {
  return Array.from({ length: len }, (_, i) => Array.from({ length: n }, (_, r) => valueAt(r, i)).reduce((a, b) => op(a, b)));
}

for (const n of [2, 3]) {
  test(`allreduce sum/mean/max/min/product is exact on integer data with ${n} actors, any length`, { timeout: 120_000 }, async () => {
    const g = `exact-${n}`;
    const actors = await group(n, g);
    for (const len of [0, 1, 2, 5, 10, 101, 1000, 40_001]) {
      for (const [op, dtype, f] of [
        ['sum', 'Int32Array', (a: number, b: number) => a + b],
        ['max', 'Int32Array', Math.max],
        ['min', 'Float64Array', Math.min],
        ['product', 'Float64Array', (a: number, b: number) => a * b],
        ['mean', 'Float32Array', (a: number, b: number) => a + b],
      ] as const) {
        const want = expected(n, len, f).map((x) => (op === 'mean' ? Math.fround(x / n) : x));
        const outs = await ray.get(actors.map((a, r) => a.allreduce.remote(r, len, dtype, op, g)));
        for (let r = 0; r < n; r++) assert.deepEqual(outs[r], want, `len ${len} op ${op} rank ${r}`);
      }
    }
    await teardown(actors, g);
  });
}

test('allreduce of 8M floats with 2 and 3 actors', { timeout: 120_000 }, async () => {
  for (const n of [2, 3]) {
    const g = `large-${n}`;
    const actors = await group(n, g);
    const len = 8 * 1024 * 1024 + (n === 3 ? 1 : 0);
    const outs = await ray.get(actors.map((a, r) => a.allreduceLarge.remote(r, len, g)));
    const sum = (n * (n + 1)) / 2;
    const last = (1000 * n * (n - 1)) / 2;
    for (const o of outs) assert.deepEqual(o, [sum, sum, last, true]);
    await teardown(actors, g);
  }
});

test('broadcast, allgather, reducescatter and barrier with 3 actors', { timeout: 60_000 }, async () => {
  const g = 'ops-3';
  const actors = await group(3, g);
  for (const [len, src] of [[5, 0], [200_000, 2]] as const) {
    const outs = await ray.get(actors.map((a, r) => a.broadcast.remote(r, len, src, g)));
    assert.deepEqual(outs, [[src], [src], [src]]);
  }
  const gathered = await ray.get(actors.map((a, r) => a.allgather.remote(r, g)));
  for (const list of gathered) assert.deepEqual(list, [[0, 0], [1, 10], [2, 20]]);
  const len = 11;
  const full = expected(3, len, (a, b) => a + b);
  const chunks = await ray.get(actors.map((a, r) => a.reducescatter.remote(r, len, g)));
  assert.deepEqual(chunks.flat(), full);
  for (let r = 0; r < 3; r++) {
    const [s, e] = col.chunkBounds(len, 3, r);
    assert.deepEqual(chunks[r], full.slice(s, e));
  }
  // The barrier releases no one before the last member arrives: the last one is not even called yet.
  const early = actors.slice(0, 2).map((a) => a.barrier.remote(0, g));
  const [ready] = await ray.wait(early, { numReturns: 1, timeout: 200 });
  assert.equal(ready.length, 0);
  const left = await ray.get([...early, actors[2]!.barrier.remote(0, g)]);
  assert.equal(left.length, 3);
  await teardown(actors, g);
});

test('createCollectiveGroup from the driver: actors join with the declared ranks on first use', { timeout: 60_000 }, async () => {
  const actors = Array.from({ length: 3 }, () => MemberActor.remote());
  await col.createCollectiveGroup(actors, { groupName: 'declared', ranks: [2, 0, 1] });
  const who = await ray.get(actors.map((a) => a.whoAmI.remote('declared')));
  assert.deepEqual(who, [[2, 3, true], [0, 3, true], [1, 3, true]]);
  const outs = await ray.get(actors.map((a, i) => a.allreduce.remote([2, 0, 1][i]!, 7, 'Int32Array', 'sum', 'declared')));
  for (const o of outs) assert.deepEqual(o, expected(3, 7, (a, b) => a + b));
  await col.destroyCollectiveGroup('declared');
  for (const a of actors) ray.kill(a);
  assert.throws(() => col.createCollectiveGroup([actors[0]!], { ranks: [1] }), /options.ranks\[0\] must be >= 0 and < 1/);
});

test('the driver can be a member too, and options are checked at the call site', { timeout: 60_000 }, async () => {
  const [peer] = [MemberActor.remote()];
  const joined = peer!.init.remote(2, 1, 'with-driver');
  await col.initCollectiveGroup(2, 0, 'with-driver');
  await ray.get(joined);
  assert.equal(col.getRank('with-driver'), 0);
  assert.equal(col.getCollectiveGroupSize('with-driver'), 2);
  assert.equal(col.isGroupInitialized('with-driver'), true);
  const remote = peer!.allreduce.remote(1, 3, 'Int32Array', 'sum', 'with-driver');
  const mine = Int32Array.from([0, 1, 2], (i) => valueAt(0, i));
  assert.equal(await col.allreduce(mine, { groupName: 'with-driver' }), mine);
  assert.deepEqual(Array.from(mine), expected(2, 3, (a, b) => a + b));
  assert.deepEqual(await ray.get(remote), Array.from(mine));
  // Bad arguments throw synchronously, naming the field.
  assert.throws(() => col.allreduce(new Int32Array(3), { op: 'mean', groupName: 'with-driver' }), /options.op 'mean' needs a float tensor/);
  assert.throws(() => col.allreduce(new Float32Array(3), { op: 'avg' as never, groupName: 'with-driver' }), /allreduce\(\) options.op must be one of/);
  assert.throws(() => col.allreduce([1, 2] as never, { groupName: 'with-driver' }), /tensor must be a typed array/);
  assert.throws(() => col.allreduce(new Float32Array(3), { groupName: 'with-driver', timeoutMs: -1 }), /options.timeoutMs must be > 0/);
  assert.throws(() => col.allreduce(new Float32Array(3), { groupName: 'with-driver', bogus: 1 } as never), /options.bogus is not a known option/);
  assert.throws(() => col.broadcast(new Float32Array(3), { srcRank: 2, groupName: 'with-driver' }), /srcRank must be < the group size 2/);
  assert.throws(() => col.broadcast(new Float32Array(3), {} as never), /srcRank is required/);
  assert.throws(() => col.initCollectiveGroup(2, 2, 'x'), /rank must be >= 0 and < 2/);
  await assert.rejects(col.initCollectiveGroup(2, 0, 'with-driver'), col.CollectiveGroupError);
  await col.destroyCollectiveGroup('with-driver');
  assert.equal(col.isGroupInitialized('with-driver'), false);
  await ray.get(peer!.destroy.remote('with-driver'));
  ray.kill(peer!);
});

test('an operation on a group that is not initialized rejects with CollectiveGroupError', { timeout: 30_000 }, async () => {
  await assert.rejects(col.allreduce(new Float32Array(4), { groupName: 'nope' }), col.CollectiveGroupError);
  assert.throws(() => col.getRank('nope'), col.CollectiveGroupError);
  assert.equal(col.isGroupInitialized('nope'), false);
  const a = MemberActor.remote();
  assert.deepEqual(await ray.get(a.uninitialized.remote()), ['CollectiveGroupError', true]);
  ray.kill(a);
});

test('mismatched lengths reject with CollectiveMismatchError on every rank (2 and 3 actors)', { timeout: 60_000 }, async () => {
  for (const n of [2, 3]) {
    const g = `mismatch-${n}`;
    const actors = await group(n, g);
    const outs = await ray.get(actors.map((a, r) => a.tryAllreduce.remote(r === n - 1 ? 12 : 10, g)));
    for (const [name, code] of outs) assert.deepEqual([name, code], ['CollectiveMismatchError', 'COLLECTIVE_MISMATCH']);
    // The group is still usable afterwards.
    const ok = await ray.get(actors.map((a) => a.tryAllreduce.remote(10, g)));
    assert.deepEqual(ok.map((o) => o[0]), actors.map(() => 'ok'));
    await teardown(actors, g);
  }
});

test('a killed member makes the others\' pending allreduce reject with CollectiveMemberDiedError', { timeout: 60_000 }, async () => {
  const g = 'dies';
  const actors = await group(3, g, 1500);
  const tried = actors[0]!.tryAllreduce.remote(1000, g);
  const thrown = actors[1]!.allreduce.remote(1, 1000, 'Float32Array', 'sum', g);
  ray.kill(actors[2]!);
  const [name, code, message] = await ray.get(tried);
  assert.deepEqual([name, code], ['CollectiveMemberDiedError', 'COLLECTIVE_MEMBER_DIED']);
  assert.match(message, /Rank 2 of collective group 'dies' died/);
  await assert.rejects(ray.get(thrown), (err: unknown) => {
    assert.ok(err instanceof ray.RayTaskError);
    assert.ok(err.cause instanceof col.CollectiveMemberDiedError, `cause is ${(err.cause as Error)?.constructor?.name}`);
    assert.equal((err.cause as col.CollectiveMemberDiedError).rank, 2);
    return true;
  });
  // Later operations fail at once, too.
  assert.equal((await ray.get(actors[0]!.tryAllreduce.remote(4, g)))[0], 'CollectiveMemberDiedError');
  await ray.get(actors.slice(0, 2).map((a) => a.destroy.remote(g)));
  for (const a of actors.slice(0, 2)) ray.kill(a);
});

test('500 repeated allreduces through the object store do not leak objects', { timeout: 120_000 }, async () => {
  const g = 'leak';
  const actors = await group(2, g);
  const len = 512 * 1024; // 2 MiB messages: through shared memory, in segments the store reuses
  await ray.get(actors.map((a) => a.repeat.remote(100, len, g)));
  const before = (await ray.availableResources()).objectStoreMemory!;
  const outs = await ray.get(actors.map((a) => a.repeat.remote(500, len, g)));
  assert.deepEqual(outs, [2, 2]);
  // Each message's object is freed once read, and its segment is reused once the reader's
  // mapping is collected: the store holds a bounded working set (a leak would be ~2 GB here).
  const after = (await ray.availableResources()).objectStoreMemory!;
  assert.ok(before - after <= 32 * len * 4, `object store grew by ${before - after} bytes over 500 allreduces`);
  await teardown(actors, g);
});
