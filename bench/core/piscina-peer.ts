/**
 * The Node peer: piscina (a worker-thread pool) running the same no-op as our no-op
 * task, timed the same way, in the same run. Three ways of feeding it: 1000 tasks
 * queued at once then awaited (the peer of single_client_tasks_async), 64 in flight
 * at a time, and one at a time (the peer of single_client_tasks_sync).
 */
import { Piscina } from 'piscina';
import type { BenchCase, BenchContext } from './bench-case.js';

const NOOP_FILE = new URL('./noop-task.mjs', import.meta.url).href;
/** Tasks per timed call of the batched modes (as single_client_tasks_async). */
const BATCH = 1000;
/** Tasks kept in flight in the windowed mode. */
const WINDOW = 64;

/**
 * Runs `body` with a default-sized piscina pool on the no-op, then destroys it.
 * `execArgv: []`: the threads must not inherit this process's `--import tsx` (the
 * worker file is plain JavaScript); with it, every thread piscina starts as its queue
 * grows pays for loading tsx, and all-queued throughput drops about fivefold.
 */
async function withPool<T>(body: (pool: Piscina) => Promise<T>): Promise<T> {
  const pool = new Piscina({ filename: NOOP_FILE, execArgv: [] });
  try {
    return await body(pool);
  } finally {
    await pool.destroy();
  }
}

/** Runs `n` tasks with at most `window` in flight. */
async function windowed(pool: Piscina, n: number, window: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) {
      next++;
      await pool.run(null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, lane));
}

/** The piscina peer benchmarks. */
export const piscinaBenches: readonly BenchCase[] = [
  {
    name: 'piscina_all_queued',
    note: 'piscina, default pool: 1000 no-op tasks queued at once, then awaited (x1000)',
    run: (ctx: BenchContext) => withPool((pool) => ctx.timeit(() => Promise.all(Array.from({ length: BATCH }, () => pool.run(null))), BATCH)),
  },
  {
    name: 'piscina_64_in_flight',
    note: 'piscina, default pool: 1000 no-op tasks, 64 in flight at a time (x1000)',
    run: (ctx: BenchContext) => withPool((pool) => ctx.timeit(() => windowed(pool, BATCH, WINDOW), BATCH)),
  },
  {
    name: 'piscina_serial',
    note: 'piscina, default pool: one no-op task at a time',
    run: (ctx: BenchContext) => withPool((pool) => ctx.timeit(() => pool.run(null))),
  },
];

/** Which of our figures each peer figure is compared with. */
export const PEER_OF: Readonly<Record<string, { ours: string; reference: string }>> = {
  piscina_all_queued: { ours: 'single_client_tasks_async', reference: 'all_queued' },
  piscina_64_in_flight: { ours: 'single_client_tasks_async', reference: '64_in_flight' },
  piscina_serial: { ours: 'single_client_tasks_sync', reference: 'serial' },
};
