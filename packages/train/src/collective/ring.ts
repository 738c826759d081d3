/**
 * The collective algorithms, pure over a {@link Transport}: ring allreduce (reduce-scatter
 * then allgather, 2(N-1) steps over chunks of ~len/N), a direct exchange for two ranks,
 * and direct broadcast, allgather and barrier. Correct for any length, including lengths
 * below N and 0. Every rank sends at least one message per operation, so that a rank
 * whose operation differs is always seen by the transport.
 */
import { divideInPlace, reduceInto } from './reduce.js';
import type { Transport } from './transport.js';
import type { ReduceOp, TypedArray } from './types.js';

/** Bounds `[start, end)` of chunk `i` of `n` over `length` elements (chunks differ by at most one element). */
export function chunkBounds(length: number, n: number, i: number): [number, number] {
  return [Math.floor((i * length) / n), Math.floor(((i + 1) * length) / n)];
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** Runs the sends and receives of one step at once. */
async function step(t: Transport, dst: number, sendTag: string, data: TypedArray, src: number, recvTag: string): Promise<TypedArray> {
  const [, got] = await Promise.all([t.send(dst, sendTag, data), t.recv(src, recvTag)]);
  return got;
}

/**
 * Ring reduce-scatter in place: after it, chunk `rank` of `tensor` (see {@link chunkBounds})
 * holds the reduction over all ranks. Other chunks hold partial sums. `prefix` namespaces the tags.
 */
export async function ringReduceScatter(t: Transport, tensor: TypedArray, op: ReduceOp, prefix = 'rs'): Promise<void> {
  const { rank, size: n } = t;
  if (n === 1) return;
  const right = mod(rank + 1, n);
  const left = mod(rank - 1, n);
  for (let s = 0; s < n - 1; s++) {
    const [ss, se] = chunkBounds(tensor.length, n, mod(rank - s - 1, n));
    const ri = mod(rank - s - 2, n);
    const [rs, re] = chunkBounds(tensor.length, n, ri);
    const got = await step(t, right, `${prefix}${s}`, tensor.subarray(ss, se), left, `${prefix}${s}`);
    if (got.length !== re - rs) throw new RangeError(`ring: rank ${left} sent ${got.length} elements for chunk ${ri}, expected ${re - rs}`);
    reduceInto(tensor.subarray(rs, re), got, op);
  }
}

/** Ring allgather in place of the chunks: chunk `r` of each rank `r` ends up on every rank. */
export async function ringAllgatherChunks(t: Transport, tensor: TypedArray, prefix = 'ag'): Promise<void> {
  const { rank, size: n } = t;
  if (n === 1) return;
  const right = mod(rank + 1, n);
  const left = mod(rank - 1, n);
  for (let s = 0; s < n - 1; s++) {
    const [ss, se] = chunkBounds(tensor.length, n, mod(rank - s, n));
    const ri = mod(rank - s - 1, n);
    const [rs, re] = chunkBounds(tensor.length, n, ri);
    const got = await step(t, right, `${prefix}${s}`, tensor.subarray(ss, se), left, `${prefix}${s}`);
    if (got.length !== re - rs) throw new RangeError(`ring: rank ${left} sent ${got.length} elements for chunk ${ri}, expected ${re - rs}`);
    tensor.set(got as never, rs);
  }
}

/**
 * Allreduce in place: every rank ends with the element-wise reduction of all ranks' tensors.
 * Two ranks exchange whole tensors (one step); more use the ring (2(N-1) steps). 'mean'
 * sums then divides (float tensors only; the caller checks).
 */
export async function allreduceWith(t: Transport, tensor: TypedArray, op: ReduceOp): Promise<void> {
  const n = t.size;
  if (n === 2) {
    const peer = 1 - t.rank;
    const got = await step(t, peer, 'x', tensor, peer, 'x');
    if (got.length !== tensor.length) throw new RangeError(`allreduce: rank ${peer} sent ${got.length} elements, expected ${tensor.length}`);
    // sum, mean and product are exactly commutative in IEEE arithmetic, so both ranks may
    // reduce in their own order; max and min are not for +0/-0, so rank 1 keeps rank 0's order.
    if (t.rank === 0 || op === 'sum' || op === 'mean' || op === 'product') reduceInto(tensor, got, op);
    else {
      const mine = tensor.slice();
      tensor.set(got as never);
      reduceInto(tensor, mine, op);
    }
  } else if (n > 2) {
    await ringReduceScatter(t, tensor, op);
    await ringAllgatherChunks(t, tensor);
  }
  if (op === 'mean') divideInPlace(tensor as Float32Array, n);
}

/** Reduce-scatter: returns a copy of this rank's chunk (see {@link chunkBounds}) of the reduction; `tensor` is used as scratch. */
export async function reducescatterWith(t: Transport, tensor: TypedArray, op: ReduceOp): Promise<TypedArray> {
  await ringReduceScatter(t, tensor, op);
  const [s, e] = chunkBounds(tensor.length, t.size, t.rank);
  const out = tensor.slice(s, e);
  if (op === 'mean') divideInPlace(out as Float32Array, t.size);
  return out;
}

/** Broadcast in place from `srcRank`: the source sends its tensor to every other rank directly. */
export async function broadcastWith(t: Transport, tensor: TypedArray, srcRank: number): Promise<void> {
  if (t.size === 1) return;
  if (t.rank === srcRank) {
    const sends: Promise<void>[] = [];
    for (let r = 0; r < t.size; r++) if (r !== srcRank) sends.push(t.send(r, 'b', tensor));
    await Promise.all(sends);
    return;
  }
  const got = await t.recv(srcRank, 'b');
  if (got.length !== tensor.length) throw new RangeError(`broadcast: rank ${srcRank} sent ${got.length} elements, expected ${tensor.length}`);
  tensor.set(got as never);
}

/** Allgather: every rank sends its tensor to every other rank directly; returns copies in rank order. */
export async function allgatherWith<T extends TypedArray>(t: Transport, tensor: T): Promise<T[]> {
  const out: T[] = new Array(t.size);
  out[t.rank] = tensor.slice() as T;
  const ops: Promise<void>[] = [];
  for (let r = 0; r < t.size; r++) {
    if (r === t.rank) continue;
    ops.push(t.send(r, 'g', tensor));
    ops.push(t.recv(r, 'g').then((got) => {
      if (got.length !== tensor.length) throw new RangeError(`allgather: rank ${r} sent ${got.length} elements, expected ${tensor.length}`);
      out[r] = (got as T).slice() as T;
    }));
  }
  await Promise.all(ops);
  return out;
}

/** Barrier: an empty message from every rank to every other. */
export async function barrierWith(t: Transport, empty: TypedArray): Promise<void> {
  const ops: Promise<unknown>[] = [];
  for (let r = 0; r < t.size; r++) {
    if (r === t.rank) continue;
    ops.push(t.send(r, 'z', empty), t.recv(r, 'z'));
  }
  await Promise.all(ops);
}
