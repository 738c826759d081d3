/**
 * Actor-call benchmarks of `ray_perf.py`: one caller to one actor (sync, async,
 * concurrent; plain and async actors), one caller to n actors, and n callers to n
 * actors. Each benchmark kills the actors it made.
 */
import * as ray from '@ray-ts/core';
import type { BenchCase, BenchContext } from './bench-case.js';
import type { Measurement } from './timeit.js';
import { callActorsRoundRobin, RemoteActor, RemoteAsyncActor, RemoteClient, type Actor, type AsyncActor, type Client } from './defs.js';

type Server = ray.ActorHandle<Actor | AsyncActor>;

/** Calls per actor of the 1:n and n:n benchmarks (Ray: 5000). */
const CALLS_PER_ACTOR = 5000;
/** Calls per client of n_n_actor_calls_with_arg_async (Ray: 1000). */
const CALLS_WITH_ARG = 1000;
/** Caller tasks of the n:n benchmarks (Ray: 4). */
const N_CALLERS = 4;

/** Runs `body` with the actors `make` returns, and kills them all afterwards. */
async function withActors<H extends object>(make: () => H[], body: (actors: H[]) => Promise<Measurement>): Promise<Measurement> {
  const actors = make();
  try {
    return await body(actors);
  } finally {
    for (const a of actors) ray.kill(a as ray.ActorHandle<unknown>);
  }
}

/** `n` calls of `smallValue` on one actor, then one get of them all. */
function callsThenGet(a: Server, n: number): Promise<number[]> {
  const refs: ray.ObjectRef<number>[] = [];
  for (let i = 0; i < n; i++) refs.push(a.smallValue.remote());
  return ray.get(refs);
}

/** Counts of Ray's that make one call longer than a --quick round are cut tenfold there. */
function scaled(ctx: BenchContext, n: number): number {
  return ctx.quick ? n / 10 : n;
}

/** One caller to one actor: one call at a time (`batch` 0) or `batch` calls then a get. */
function oneToOne(ctx: BenchContext, make: () => Server, batch: number): Promise<Measurement> {
  return withActors(() => [make()], ([a]) => (batch === 0
    ? ctx.timeit(() => ray.get(a!.smallValue.remote()))
    : ctx.timeit(() => callsThenGet(a!, batch), batch)));
}

/** One Client actor calling `nActors` servers `CALLS_PER_ACTOR` times each. */
function oneToN(ctx: BenchContext, makeServer: () => Server): Promise<Measurement> {
  const n = scaled(ctx, CALLS_PER_ACTOR);
  const servers = Array.from({ length: ctx.nActors }, makeServer);
  const client = RemoteClient.remote(servers);
  return withActors<object>(() => [...servers, client], () => ctx.timeit(() => ray.get(client.smallValueBatch.remote(n)), n * servers.length));
}

/** `N_CALLERS` tasks, each calling `nActors` servers round-robin `CALLS_PER_ACTOR` times in all. */
function nToN(ctx: BenchContext, makeServer: () => Server): Promise<Measurement> {
  const n = scaled(ctx, CALLS_PER_ACTOR);
  return withActors(
    () => Array.from({ length: ctx.nActors }, makeServer),
    (servers) => ctx.timeit(() => ray.get(Array.from({ length: N_CALLERS }, () => callActorsRoundRobin.remote(servers, n))), N_CALLERS * n),
  );
}

/** The actor benchmarks, in Ray's order. */
export const actorBenches: readonly BenchCase[] = [
  { name: '1_1_actor_calls_sync', run: (ctx) => oneToOne(ctx, () => RemoteActor.remote(), 0) },
  { name: '1_1_actor_calls_async', run: (ctx) => oneToOne(ctx, () => RemoteActor.remote(), 1000) },
  { name: '1_1_actor_calls_concurrent', run: (ctx) => oneToOne(ctx, () => RemoteActor.options({ maxConcurrency: 16 }).remote(), 1000) },
  {
    name: '1_n_actor_calls_async',
    note: 'one Client actor calls nActors plain actors 5000 times each',
    run: (ctx) => oneToN(ctx, () => RemoteActor.remote()),
  },
  {
    name: 'n_n_actor_calls_async',
    note: `${N_CALLERS} tasks, each making 5000 calls round-robin over nActors plain actors`,
    run: (ctx) => nToN(ctx, () => RemoteActor.remote()),
  },
  {
    name: 'n_n_actor_calls_with_arg_async',
    note: 'nActors Client actors, each calling its own actor 1000 times with a put(0) ref argument',
    run(ctx) {
      const n = scaled(ctx, CALLS_WITH_ARG);
      const servers = Array.from({ length: ctx.nActors }, () => RemoteActor.remote());
      const clients: ray.ActorHandle<Client>[] = servers.map((s) => RemoteClient.remote(s));
      return withActors<object>(
        () => [...servers, ...clients],
        () => ctx.timeit(() => ray.get(clients.map((c) => c.smallValueBatchArg.remote(n))), n * clients.length),
      );
    },
  },
  { name: '1_1_async_actor_calls_sync', run: (ctx) => oneToOne(ctx, () => RemoteAsyncActor.remote(), 0) },
  { name: '1_1_async_actor_calls_async', run: (ctx) => oneToOne(ctx, () => RemoteAsyncActor.remote(), 1000) },
  {
    name: '1_1_async_actor_calls_with_args_async',
    run: (ctx) => withActors(() => [RemoteAsyncActor.remote()], ([a]) => ctx.timeit(() => {
      const refs: ray.ObjectRef<number>[] = [];
      for (let i = 0; i < 1000; i++) refs.push(a!.smallValueWithArg.remote(i));
      return ray.get(refs);
    }, 1000)),
  },
  {
    name: '1_n_async_actor_calls_async',
    note: 'one Client actor calls nActors async actors 5000 times each',
    run: (ctx) => oneToN(ctx, () => RemoteAsyncActor.remote()),
  },
  {
    name: 'n_n_async_actor_calls_async',
    note: `${N_CALLERS} tasks, each making 5000 calls round-robin over nActors async actors`,
    run: (ctx) => nToN(ctx, () => RemoteAsyncActor.remote()),
  },
];
