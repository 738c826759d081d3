/**
 * The shape of one core benchmark, and what the runner gives it.
 */
import { availableParallelism } from 'node:os';
import { timeit, type Measurement, type TimingOptions } from './timeit.js';

/** What a benchmark is given. */
export interface BenchContext {
  /** Warm-up and round times. */
  readonly timing: TimingOptions;
  /** Aborted when the benchmark's time budget is over. */
  readonly signal: AbortSignal;
  /** True with `--quick`: smaller counts where one call would not fit in a round. */
  readonly quick: boolean;
  /** Actors in the 1:n and n:n benchmarks (Ray: `cpu_count() // 2`). */
  readonly nActors: number;
  /** Times `op` Ray's way under this context's timing and signal. */
  timeit(op: () => Promise<unknown>, multiplier?: number, unit?: string): Promise<Measurement>;
}

/** One benchmark. */
export interface BenchCase {
  /** Ray's metric name (from `ray_perf.py`, with spaces and colons as `_`). */
  readonly name: string;
  /** How this run differs from Ray's, if it does (printed under the table). */
  readonly note?: string;
  /** Sets up, measures, and cleans up (kills its actors). */
  run(ctx: BenchContext): Promise<Measurement>;
}

/** Ray's actor count for the 1:n and n:n benchmarks on this machine, at least 2 so that n is not 1. */
export function defaultActorCount(): number {
  return Math.max(2, Math.floor(availableParallelism() / 2));
}

/** Builds a context. */
export function makeContext(timing: TimingOptions, signal: AbortSignal, quick: boolean, nActors: number): BenchContext {
  return {
    timing,
    signal,
    quick,
    nActors,
    timeit: (op, multiplier = 1, unit = 'ops/s') => timeit(op, timing, { multiplier, unit, signal }),
  };
}
