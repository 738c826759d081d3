/**
 * Remote functions and actor classes of the core microbenchmarks, after the ones at
 * the top of Ray's `python/ray/_private/ray_perf.py`. Worker processes import this
 * module to find them, so it holds definitions only: no driver code runs on import.
 *
 * Ray's small value is `b"ok"`; ours is the number 0, what the piscina peer's no-op
 * returns too (the task body is the very same function, `noop-task.mjs`).
 */
import * as ray from '@ray-ts/core';
import noop from './noop-task.mjs';

/** The small value every no-op call returns. */
export const SMALL = 0;

/** A no-op task: `small_value`. */
export const smallValue = ray.remote(noop);

/** Returns 10k refs of `put(1)`: `create_object_containing_ref`. */
export const createObjectContainingRef = ray.remote(function createObjectContainingRef(n: number) {
  const refs: ray.ObjectRef<number>[] = [];
  for (let i = 0; i < n; i++) refs.push(ray.put(1));
  return refs;
});

/** `do_put_small`: 100 puts of 0, each ref released at once (as Python drops it). */
export const doPutSmall = ray.remote(function doPutSmall(n: number) {
  for (let i = 0; i < n; i++) ray.put(0).release();
  return 0;
});

/** `do_put`: `puts` puts of an int64 array of `len` zeros, each released at once. */
export const doPutLarge = ray.remote(function doPutLarge(puts: number, len: number) {
  for (let i = 0; i < puts; i++) ray.put(new BigInt64Array(len)).release();
  return 0;
});

/** Gets a ref passed nested (so the task receives the ref, not its value); returns the ms the get took. */
export const timeNestedGet = ray.remote(async function timeNestedGet(holder: { ref: ray.ObjectRef<Float64Array> }) {
  const t0 = process.hrtime.bigint();
  const arr = await ray.get(holder.ref);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // Outside the timed part: prove the whole array is there.
  if (!(arr instanceof Float64Array)) throw new TypeError(`expected a Float64Array, got ${Object.prototype.toString.call(arr)}`);
  return { ms, length: arr.length, last: arr[arr.length - 1]! };
});

/** A sync actor (`Actor` of ray_perf.py). Its one async method is why it is declared with maxConcurrency 1. */
export class Actor {
  /** `small_value`. */
  smallValue(): number {
    return SMALL;
  }

  /** `small_value_arg`. */
  smallValueArg(_x: unknown): number {
    return SMALL;
  }

  /** `small_value_batch`: submits `n` no-op tasks and gets them. */
  async smallValueBatch(n: number): Promise<number> {
    const refs: ray.ObjectRef<number>[] = [];
    for (let i = 0; i < n; i++) refs.push(smallValue.remote());
    await ray.get(refs);
    return 0;
  }
}

/**
 * The remote `Actor`. In Ray it is a plain (threadless) actor; here its async method
 * would make it an async actor with maxConcurrency 1000, so maxConcurrency is set to 1.
 */
export const RemoteActor = ray.remote(Actor, { maxConcurrency: 1 });

/** An async actor (`AsyncActor` of ray_perf.py), default maxConcurrency (1000, as Ray). */
export class AsyncActor {
  /** `small_value`. */
  async smallValue(): Promise<number> {
    return SMALL;
  }

  /** `small_value_with_arg`. */
  async smallValueWithArg(_x: number): Promise<number> {
    return SMALL;
  }
}

/** The remote `AsyncActor`. */
export const RemoteAsyncActor = ray.remote(AsyncActor);

/** `Client` of ray_perf.py: calls its server actors n times each and gets the results. */
export class Client {
  private readonly servers: ray.ActorHandle<Actor | AsyncActor>[];

  /** `servers`: the actors to call (sync `Actor`s, or `AsyncActor`s for `smallValueBatch` only). */
  constructor(servers: ray.ActorHandle<Actor | AsyncActor> | ray.ActorHandle<Actor | AsyncActor>[]) {
    this.servers = Array.isArray(servers) ? servers : [servers];
  }

  /** `small_value_batch`: n calls of `smallValue` on each server. */
  async smallValueBatch(n: number): Promise<number> {
    const refs: ray.ObjectRef<number>[] = [];
    for (const s of this.servers) for (let i = 0; i < n; i++) refs.push(s.smallValue.remote());
    await ray.get(refs);
    return refs.length;
  }

  /** `small_value_batch_arg`: n calls of `smallValueArg(ref of put(0))` on each server. */
  async smallValueBatchArg(n: number): Promise<number> {
    const x = ray.put(0);
    const refs: ray.ObjectRef<number>[] = [];
    for (const s of this.servers as ray.ActorHandle<Actor>[]) for (let i = 0; i < n; i++) refs.push(s.smallValueArg.remote(x));
    await ray.get(refs);
    x.release();
    return refs.length;
  }
}

/** The remote `Client`; a plain actor in Ray, so maxConcurrency 1 here too. */
export const RemoteClient = ray.remote(Client, { maxConcurrency: 1 });

/** `work` / `async_actor_work`: n calls round-robin over the given actors, then get them all. */
export const callActorsRoundRobin = ray.remote(async function callActorsRoundRobin(actors: ray.ActorHandle<Actor | AsyncActor>[], n: number) {
  const refs: ray.ObjectRef<number>[] = [];
  for (let i = 0; i < n; i++) refs.push(actors[i % actors.length]!.smallValue.remote());
  await ray.get(refs);
  return n;
});
