/**
 * Task benchmarks of `ray_perf.py`: no-op tasks submitted from the driver (sync,
 * async, batched, waited one by one) and from 4 actors at once.
 */
import * as ray from '@ray-ts/core';
import type { BenchCase, BenchContext } from './bench-case.js';
import { RemoteActor, smallValue } from './defs.js';

/** Submits `n` no-op tasks. */
function submitNoops(n: number): ray.ObjectRef<number>[] {
  const refs: ray.ObjectRef<number>[] = [];
  for (let i = 0; i < n; i++) refs.push(smallValue.remote());
  return refs;
}

/** Tasks per actor in multi_client_tasks_async: Ray's 10,000 is ~2 s per call on 64 vCPUs; on 2 cores, fewer. */
const MULTI_CLIENT_TASKS = 2_500;

/** The task benchmarks, in Ray's order. */
export const taskBenches: readonly BenchCase[] = [
  {
    name: 'single_client_tasks_and_get_batch',
    async run(ctx: BenchContext) {
      return ctx.timeit(() => ray.get(submitNoops(1000)), 1, 'batches/s');
    },
  },
  {
    name: 'single_client_wait_1k_refs',
    async run(ctx: BenchContext) {
      return ctx.timeit(async () => {
        let notReady = submitNoops(1000);
        // Like Ray, ask for fetchLocal on the first wait only (it is a no-op on one node).
        let fetchLocal = true;
        while (notReady.length > 0) {
          [, notReady] = await ray.wait(notReady, { fetchLocal });
          fetchLocal = false;
        }
      });
    },
  },
  {
    name: 'single_client_tasks_sync',
    async run(ctx: BenchContext) {
      return ctx.timeit(() => ray.get(smallValue.remote()));
    },
  },
  {
    name: 'single_client_tasks_async',
    async run(ctx: BenchContext) {
      return ctx.timeit(() => ray.get(submitNoops(1000)), 1000);
    },
  },
  {
    name: 'multi_client_tasks_async',
    note: `4 actors x ${MULTI_CLIENT_TASKS.toLocaleString('en-US')} tasks per call (Ray: 4 x 10,000), so that a call fits a 2 s round on 2 cores`,
    async run(ctx: BenchContext) {
      const n = ctx.quick ? MULTI_CLIENT_TASKS / 10 : MULTI_CLIENT_TASKS;
      const actors = Array.from({ length: 4 }, () => RemoteActor.remote());
      try {
        return await ctx.timeit(() => ray.get(actors.map((a) => a.smallValueBatch.remote(n))), n * actors.length);
      } finally {
        for (const a of actors) ray.kill(a);
      }
    },
  },
];
