/**
 * Actor-call benchmarks of `ray_perf.py`: one caller to one actor (sync, async,
 * concurrent; plain and async actors), one caller to n actors, and n callers to n
 * actors. Each benchmark kills the actors it made.
 */
import * as ray from '@ray-ts/core';
import type { BenchCase, BenchContext } from './bench-case.js';
import type { Measurement } from './timeit.js';
import { callActorsRoundRobin, RemoteActor, RemoteAsyncActor, RemoteClient, type Actor, type AsyncActor } from './defs.js';

type AnyHandle = ray.ActorHandle<unknown>;

/** Runs `body` with actors made by `make`, killing them all afterwards. */
async function withActors<H>(make: () => H[], body: (actors: H[]) => Promise<Measurement>): Promise<Measurement> {
  const actors = make();
  try {
    return await body(actors);
  } finally {
    for (const a of actors) ray.kill(a as AnyHandle);
  }
}

/** `n` calls of `smallValue` on one actor, then a get of them all. */
function callsThenGet(a: ray.ActorHandle<Actor | AsyncActor>, n: number): Promise<string[]> {
  const refs: ray.ObjectRef<string>[] = [];
  for (let i = 0; i < n; i++) refs.push(a.smallValue.remote());
  return ray.get(refs);
}

/** Calls per actor of the 1:n and n:n benchmarks (Ray: 5000). */
const CALLS_PER_ACTOR = 5000;
/** Calls per client of n_n_actor_calls_with_arg_async (Ray: 1000). */
const CALLS_WITH_ARG = 1000;
/** Callers of the n:n benchmarks (Ray: 4). */
const N_CALLERS = 4;

function perActor(ctx: BenchContext, n: number): number {
  return ctx.quick ? n / 10 : n;
}

const actorsNote = (what: string) => (ctx: { nActors: number }) => `${ctx.nActors} ${what} (Ray: cpu_count/2 = 32)`;

/** The actor benchmarks, in Ray's order. */
export const actorBenches: readonly BenchCase[] = [
  {
    name: '1_1_actor_calls_sync',
    run: (ctx) => withActors(() => [RemoteActor.remote()], ([a]) => ctx.timeit(() => ray.get(a!.smallValue.remote()))),
  },
  {
    name: '1_1_actor_calls_async',
    run: (ctx) => withActors(() => [RemoteActor.remote()], ([a]) => ctx.timeit(() => callsThenGet(a!, 1000), 1000)),
  },
  {
    name: '1_1_actor_calls_concurrent',
    run: (ctx) => withActors(
      () => [RemoteActor.options({ maxConcurrency: 16 }).remote()],
      ([a]) => ctx.timeit(() => callsThenGet(a!, 1000), 1000),
    ),
  },
  {
    name: '1_n_actor_calls_async',
    note: 'n = nActors plain actors, called from one Client actor',
    run(ctx) {
      const n = perActor(ctx, CALLS_PER_ACTOR);
      return withActors(() => {
        const servers = Array.from({ length: ctx.nActors }, () => RemoteActor.remote());
        return [...servers, RemoteClient.remote(servers)] as AnyHandle[];
      }, (all) => {
        const client = all[all.length - 1] as unknown as ray.ActorHandle<InstanceType<typeof RemoteClient.cls>>;
        return ctx.timeit(() => ray.get(client.smallValueBatch.remote(n)), n * ctx.nActors);
      });
    },
  },
  {
    name: 'n_n_actor_calls_async',
    note: `${N_CALLERS} tasks, each ${CALLS_PER_ACTOR} calls round-robin over nActors plain actors`,
    run(ctx) {
      const n = perActor(ctx, CALLS_PER_ACTOR);
      return withActors(
        () => Array.from({ length: ctx.nActors }, () => RemoteActor.remote()),
        (actors) => ctx.timeit(() => ray.get(Array.from({ length: N_CALLERS }, () => callActorsRoundRobin.remote(actors, n))), N_CALLERS * n),
      );
    },
  },
  {
    name: 'n_n_actor_calls_with_arg_async',
    note: 'nActors Client actors, each calling its own actor with a put(0) ref argument',
    run(ctx) {
      const n = perActor(ctx, CALLS_WITH_ARG);
      return withActors(() => {
        const servers = Array.from({ length: ctx.nActors }, () => RemoteActor.remote());
        return [...servers, ...servers.map((s) => RemoteClient.remote(s))] as AnyHandle[];
      }, (all) => {
        const clients = all.slice(ctx.nActors) as unknown as ray.ActorHandle<InstanceType<typeof RemoteClient.cls>>[];
        return ctx.timeit(() => ray.get(clients.map((c) => c.smallValueBatchArg.remote(n))), n * clients.length);
      });
    },
  },
  {
    name: '1_1_async_actor_calls_sync',
    run: (ctx) => withActors(() => [RemoteAsyncActor.remote()], ([a]) => ctx.timeit(() => ray.get(a!.smallValue.remote()))),
  },
  {
    name: '1_1_async_actor_calls_async',
    run: (ctx) => withActors(() => [RemoteAsyncActor.remote()], ([a]) => ctx.timeit(() => callsThenGet(a!, 1000), 1000)),
  },
  {
    name: '1_1_async_actor_calls_with_args_async',
    run: (ctx) => withActors([() => RemoteAsyncActor.remote()][0]! as () => never, async () => {
      throw new Error('replaced below');
    }),
  },
  {
    name: '1_n_async_actor_calls_async',
    note: 'n = nActors async actors, called from one Client actor',
    run(ctx) {
      const n = perActor(ctx, CALLS_PER_ACTOR);
      return withActors(() => {
        const servers = Array.from({ length: ctx.nActors }, () => RemoteAsyncActor.remote());
        return [...servers, RemoteClient.remote(servers)] as AnyHandle[];
      }, (all) => {
        const client = all[all.length - 1] as unknown as ray.ActorHandle<InstanceType<typeof RemoteClient.cls>>;
        return ctx.timeit(() => ray.get(client.smallValueBatch.remote(n)), n * ctx.nActors);
      });
    },
  },
  {
    name: 'n_n_async_actor_calls_async',
    note: `${N_CALLERS} tasks, each ${CALLS_PER_ACTOR} calls round-robin over nActors async actors`,
    run(ctx) {
      const n = perActor(ctx, CALLS_PER_ACTOR);
      return withActors(
        () => Array.from({ length: ctx.nActors }, () => RemoteAsyncActor.remote()),
        (actors) => ctx.timeit(() => ray.get(Array.from({ length: N_CALLERS }, () => callActorsRoundRobin.remote(actors, n))), N_CALLERS * n),
      );
    },
  },
];
void actorsNote;
