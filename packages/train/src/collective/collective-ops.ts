/**
 * The collective operations (Ray's `ray.util.collective`): allreduce, broadcast,
 * allgather, reducescatter and barrier over the members of a group. Every member calls
 * the same operations in the same order. Tensors are typed arrays, changed in place.
 * Bad arguments throw (TypeError, RangeError) synchronously, before any communication.
 */
import { requireGroup } from './group-management.js';
import { findGroup, type GroupMembership } from './group-registry.js';
import {
  intIn, reduceOpOf, resolveOpOptions, type AllreduceOptions, type BroadcastOptions, type CollectiveOpOptions, type ResolvedOpOptions,
} from './options.js';
import { RendezvousTransport } from './rendezvous-transport.js';
import { allgatherWith, allreduceWith, barrierWith, broadcastWith, reducescatterWith } from './ring.js';
import type { Transport } from './transport.js';
import { dtypeOf, isIntegerTensor, type TypedArray } from './types.js';

function checkTensor(where: string, tensor: unknown): string {
  const dtype = dtypeOf(tensor);
  if (!dtype) throw new TypeError(`${where} tensor must be a typed array (Float32Array, Int32Array, ...), got ${tensor === null ? 'null' : typeof tensor}`);
  return dtype;
}

/** Runs one operation: takes its sequence number in call order, then runs `fn` over a transport of the group. */
async function run<R>(o: ResolvedOpOptions, desc: string, fn: (t: Transport, g: GroupMembership) => Promise<R>): Promise<R> {
  // The sequence number is taken synchronously when the group is known, so that concurrent
  // operations keep their call order; a declared actor's first operation joins first.
  const g = findGroup(o.groupName) ?? (await requireGroup(o.groupName, o.timeoutMs));
  const seq = g.seq++;
  return fn(new RendezvousTransport(g, seq, desc, Date.now() + o.timeoutMs), g);
}

/**
 * Reduces `tensor` element-wise over all members of the group, in place, and returns it.
 * 'mean' (float tensors only) divides the sum by the group size. Integer sums wrap as their type does.
 */
export function allreduce<T extends TypedArray>(tensor: T, options: AllreduceOptions = {}): Promise<T> {
  const dtype = checkTensor('allreduce()', tensor);
  const o = resolveOpOptions('allreduce() options', options, ['op']);
  const op = reduceOpOf('allreduce() options.op', options.op);
  if (op === 'mean' && isIntegerTensor(tensor)) throw new TypeError(`allreduce() options.op 'mean' needs a float tensor, got ${dtype}; use 'sum' and divide.`);
  return run(o, `allreduce(${dtype}[${tensor.length}], ${op})`, (t) => allreduceWith(t, tensor, op)).then(() => tensor);
}

/** Copies `srcRank`'s tensor into every member's `tensor`, in place, and returns it. */
export function broadcast<T extends TypedArray>(tensor: T, options: BroadcastOptions): Promise<T> {
  const dtype = checkTensor('broadcast()', tensor);
  if (options === undefined) throw new TypeError('broadcast() options.srcRank is required');
  const o = resolveOpOptions('broadcast() options', options, ['srcRank']);
  const src = options.srcRank;
  if (src === undefined) throw new TypeError('broadcast() options.srcRank is required');
  intIn('broadcast() options.srcRank', src, 0, 2 ** 31);
  const known = findGroup(o.groupName);
  if (known && src >= known.worldSize) throw new RangeError(`broadcast() options.srcRank must be < the group size ${known.worldSize}, got ${src}`);
  return run(o, `broadcast(${dtype}[${tensor.length}], src ${src})`, (t, g) => {
    if (src >= g.worldSize) throw new RangeError(`broadcast() options.srcRank must be < the group size ${g.worldSize}, got ${src}`);
    return broadcastWith(t, tensor, src);
  }).then(() => tensor);
}

/** Gathers every member's tensor; returns copies in rank order (all tensors must have the same length and dtype). */
export function allgather<T extends TypedArray>(tensor: T, options: CollectiveOpOptions = {}): Promise<T[]> {
  const dtype = checkTensor('allgather()', tensor);
  const o = resolveOpOptions('allgather() options', options);
  return run(o, `allgather(${dtype}[${tensor.length}])`, (t) => allgatherWith(t, tensor));
}

/**
 * Reduces `tensor` over all members and returns this rank's chunk of the result: chunk
 * `rank` of `size` near-equal chunks (`chunkBounds(length, size, rank)`).
 * `tensor` is left holding partial results.
 */
export function reducescatter<T extends TypedArray>(tensor: T, options: AllreduceOptions = {}): Promise<T> {
  const dtype = checkTensor('reducescatter()', tensor);
  const o = resolveOpOptions('reducescatter() options', options, ['op']);
  const op = reduceOpOf('reducescatter() options.op', options.op);
  if (op === 'mean' && isIntegerTensor(tensor)) throw new TypeError(`reducescatter() options.op 'mean' needs a float tensor, got ${dtype}`);
  return run(o, `reducescatter(${dtype}[${tensor.length}], ${op})`, (t) => reducescatterWith(t, tensor, op)) as Promise<T>;
}

/** Resolves once every member of the group reached the barrier. */
export function barrier(groupName?: string, options: { timeoutMs?: number } = {}): Promise<void> {
  if (options === null || typeof options !== 'object') throw new TypeError('barrier() options must be an object');
  const o = resolveOpOptions('barrier() options', { groupName, ...options });
  return run(o, 'barrier()', (t) => barrierWith(t, new Uint8Array(0)));
}
