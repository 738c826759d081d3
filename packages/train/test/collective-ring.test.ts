/**
 * The collective algorithms, pure over an in-process fake transport: ring allreduce for
 * N = 1..5 and odd lengths (including 0 and below N), exact on integers; and the
 * rendezvous state (mismatch, dead member, timeout) with a fake clock, without actors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allgatherWith, allreduceWith, barrierWith, broadcastWith, chunkBounds, reducescatterWith, type ReduceOp, type Transport, type TypedArray,
} from '../src/collective/index.js';
import { CollectiveGroupError, CollectiveMemberDiedError, CollectiveMismatchError, CollectiveTimeoutError } from '../src/collective/errors.js';
import { RendezvousState } from '../src/collective/rendezvous-state.js';

/** N ranks in one process: a mailbox keyed by (src, dst, tag); messages are copied on send. */
function fakeWorld(n: number): { transports: Transport[]; sent: () => number } {
  const box = new Map<string, { data?: TypedArray; wait?: (d: TypedArray) => void }>();
  let sent = 0;
  const key = (s: number, d: number, tag: string) => `${s}>${d}|${tag}`;
  const transports = Array.from({ length: n }, (_, rank): Transport => ({
    rank,
    size: n,
    async send(dst, tag, data) {
      sent++;
      const k = key(rank, dst, tag);
      const slot = box.get(k);
      if (slot?.wait) {
        box.delete(k);
        slot.wait(data.slice());
      } else {
        assert.equal(slot, undefined, `message ${k} sent twice`);
        box.set(k, { data: data.slice() });
      }
    },
    recv(src, tag) {
      const k = key(src, rank, tag);
      const slot = box.get(k);
      if (slot?.data) {
        box.delete(k);
        return Promise.resolve(slot.data);
      }
      return new Promise((resolve) => box.set(k, { wait: resolve }));
    },
  }));
  return { transports, sent: () => sent };
}

const ref: Record<Exclude<ReduceOp, 'mean'>, (a: number, b: number) => number> = {
  sum: (a, b) => (a + b) | 0,
  product: (a, b) => Math.imul(a, b),
  max: Math.max,
  min: Math.min,
};

function inputs(n: number, len: number): Int32Array[] {
  return Array.from({ length: n }, (_, r) => Int32Array.from({ length: len }, (_, i) => ((i * 7919 + r * 104729) % 201) - 100));
}

for (let n = 1; n <= 5; n++) {
  test(`ring allreduce is exact on Int32 for N=${n} and odd lengths`, async () => {
    for (const len of [0, 1, 2, 3, n - 1, n, n + 1, 7, 13, 101, 1000].filter((x) => x >= 0)) {
      for (const op of ['sum', 'max', 'min', 'product'] as const) {
        const ins = inputs(n, len);
        const want = Int32Array.from({ length: len }, (_, i) => ins.map((a) => a[i]!).reduce((x, y) => ref[op](x, y)));
        const tensors = ins.map((a) => a.slice());
        const { transports } = fakeWorld(n);
        await Promise.all(transports.map((t, r) => allreduceWith(t, tensors[r]!, op)));
        for (let r = 0; r < n; r++) assert.deepEqual(tensors[r], want, `N=${n} len=${len} op=${op} rank ${r}`);
      }
    }
  });
}

test('ring allreduce mean on Float64 gives the same bits on every rank, and sends 2(N-1) messages per rank', async () => {
  for (let n = 3; n <= 5; n++) {
    const len = 37;
    const ins = Array.from({ length: n }, (_, r) => Float64Array.from({ length: len }, (_, i) => Math.sin(i + r * 10)));
    const { transports, sent } = fakeWorld(n);
    await Promise.all(transports.map((t, r) => allreduceWith(t, ins[r]!, 'mean')));
    for (let r = 1; r < n; r++) assert.deepEqual(ins[r], ins[0]);
    const want = Array.from({ length: len }, (_, i) => Array.from({ length: n }, (_, r) => Math.sin(i + r * 10)).reduce((a, b) => a + b) / n);
    for (let i = 0; i < len; i++) assert.ok(Math.abs(ins[0]![i]! - want[i]!) < 1e-12);
    assert.equal(sent(), n * 2 * (n - 1));
  }
});

test('chunkBounds covers the tensor in N contiguous chunks, empty ones when length < N', () => {
  for (const [len, n] of [[0, 3], [2, 5], [10, 3], [11, 4]] as const) {
    let at = 0;
    for (let i = 0; i < n; i++) {
      const [s, e] = chunkBounds(len, n, i);
      assert.equal(s, at);
      assert.ok(e - s <= Math.ceil(len / n));
      at = e;
    }
    assert.equal(at, len);
  }
});

test('reducescatter leaves each rank its chunk of the sum', async () => {
  for (let n = 1; n <= 5; n++) {
    const len = 11;
    const ins = inputs(n, len);
    const full = Int32Array.from({ length: len }, (_, i) => ins.reduce((a, x) => a + x[i]!, 0));
    const { transports } = fakeWorld(n);
    const outs = await Promise.all(transports.map((t, r) => reducescatterWith(t, ins[r]!.slice(), 'sum')));
    for (let r = 0; r < n; r++) {
      const [s, e] = chunkBounds(len, n, r);
      assert.deepEqual(outs[r], full.slice(s, e));
    }
  }
});

test('broadcast, allgather and barrier', async () => {
  for (let n = 1; n <= 4; n++) {
    const { transports } = fakeWorld(n);
    const ts = Array.from({ length: n }, (_, r) => Int32Array.from([r, r + 1, r + 2]));
    const src = n - 1;
    await Promise.all(transports.map((t, r) => broadcastWith(t, ts[r]!, src)));
    for (const x of ts) assert.deepEqual(x, Int32Array.from([src, src + 1, src + 2]));
    const g = await Promise.all(transports.map((t, r) => allgatherWith(t, Float32Array.from([r * 2]))));
    for (const list of g) assert.deepEqual(list, Array.from({ length: n }, (_, r) => Float32Array.from([r * 2])));
    await Promise.all(transports.map((t) => barrierWith(t, new Uint8Array(0))));
  }
});

test('rendezvous state: a mismatched descriptor fails the operation for every waiting rank, then the group goes on', async () => {
  const st = new RendezvousState('g', 3, 60_000);
  const dropped: unknown[] = [];
  st.onDrop = (p) => dropped.push(p);
  const r0 = st.exchange(0, 0, 'allreduce(Float32Array[10], sum)', [[1, 'x', 'a']], [[2, 'x']], 60_000);
  const r1 = st.exchange(1, 0, 'allreduce(Float32Array[10], sum)', [], [[0, 'y']], 60_000);
  const r2 = st.exchange(2, 0, 'allreduce(Float32Array[12], sum)', [[0, 'x', 'c']], [], 60_000);
  for (const p of [r0, r1, r2]) await assert.rejects(p, CollectiveMismatchError);
  assert.deepEqual(dropped.sort(), ['a', 'c']);
  const ok = st.exchange(0, 1, 'barrier()', [[1, 'z', 1]], [[1, 'z']], 60_000);
  assert.deepEqual(await st.exchange(1, 1, 'barrier()', [[0, 'z', 2]], [[0, 'z']], 60_000), [1]);
  assert.deepEqual(await ok, [2]);
});

test('rendezvous state: a silent member fails pending and later operations with CollectiveMemberDiedError', async () => {
  let now = 0;
  const st = new RendezvousState('g', 2, 1000, new Map(), () => now);
  await Promise.all([st.join(0, 2), st.join(1, 2)]);
  const pending = st.exchange(0, 0, 'd', [], [[1, 'x']], 60_000);
  now = 900;
  st.heartbeat(0);
  st.checkLiveness();
  now = 1500;
  st.heartbeat(0);
  st.checkLiveness();
  await assert.rejects(pending, (err: unknown) => err instanceof CollectiveMemberDiedError && err.rank === 1);
  await assert.rejects(st.exchange(0, 1, 'd', [], [], 60_000), CollectiveMemberDiedError);
  assert.throws(() => st.join(1, 2), CollectiveMemberDiedError);
});

test('rendezvous state: join checks sizes and ranks; an operation times out; a rank that left fails its peers at once', async () => {
  const st = new RendezvousState('g', 2, 60_000);
  assert.throws(() => st.join(0, 3), CollectiveGroupError);
  assert.throws(() => st.join(2, 2), CollectiveGroupError);
  const j = st.join(0, 2);
  assert.throws(() => st.join(0, 2), /already joined/);
  await Promise.all([j, st.join(1, 2)]);
  await assert.rejects(st.exchange(0, 0, 'd', [], [[1, 'x']], 20), CollectiveTimeoutError);
  assert.equal(st.leave(1), false);
  await assert.rejects(st.exchange(0, 1, 'd', [], [[1, 'x']], 60_000), /Rank 1 left group/);
  assert.equal(st.leave(0), true);
});
