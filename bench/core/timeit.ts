/**
 * Ray's timing method (`timeit` in `python/ray/_private/ray_microbenchmark_helpers.py`):
 * run the operation for a warm-up time, then several timed rounds; each round runs
 * the operation in steps of `warm-up count / 10 + 1` until the round time has passed,
 * and gives `multiplier * count / seconds`. The figure is the mean of the rounds, with
 * their (population) standard deviation. Ray also sleeps 10 s before each benchmark
 * against noisy neighbours; we do not (this VM has none to wait out).
 */

/** How long to warm up and time. */
export interface TimingOptions {
  /** Seconds of warm-up. @default 1 (Ray's) */
  warmupSec: number;
  /** Number of timed rounds. @default 4 (Ray's) */
  rounds: number;
  /** Seconds of each timed round. @default 2 (Ray's) */
  roundSec: number;
}

/** Ray's timing: 1 s warm-up, then 4 rounds of 2 s. */
export const RAY_TIMING: Readonly<TimingOptions> = Object.freeze({ warmupSec: 1, rounds: 4, roundSec: 2 });

/** The `--quick` timing: a smoke test, not a measurement. */
export const QUICK_TIMING: Readonly<TimingOptions> = Object.freeze({ warmupSec: 0.3, rounds: 3, roundSec: 0.3 });

/** The figure of one benchmark. */
export interface Measurement {
  /** Mean over the rounds (in `unit`). */
  mean: number;
  /** Standard deviation over the rounds. */
  sd: number;
  /** Each round's figure. */
  rounds: number[];
  /** Unit of the figures, e.g. `ops/s`, `GB/s`, `ms`. */
  unit: string;
  /** Calls of the operation timed in all rounds. */
  calls: number;
  /** The figure the verdict is on, when it is not the mean (zero_copy_get_1gb: the median). */
  median?: number;
  /** More about this run, printed under the table. */
  detail?: string;
}

/** Median of a list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Thrown inside a benchmark loop once its time budget is over. */
export class BenchAbortedError extends Error {
  override readonly name = 'BenchAbortedError';
}

/** Mean and population standard deviation (numpy's `np.std`). */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, sd };
}

function check(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BenchAbortedError('benchmark time budget exceeded');
}

/**
 * Times `op` the way Ray does and returns `multiplier` × calls per second.
 * `signal` stops the loop (between calls) when the benchmark's time budget is over.
 */
export async function timeit(
  op: () => Promise<unknown>,
  timing: TimingOptions,
  options: { multiplier?: number; unit?: string; signal?: AbortSignal } = {},
): Promise<Measurement> {
  const multiplier = options.multiplier ?? 1;
  const now = (): number => performance.now() / 1000;
  let start = now();
  let count = 0;
  while (now() - start < timing.warmupSec) {
    check(options.signal);
    await op();
    count++;
  }
  const step = Math.floor(count / 10) + 1;
  const rounds: number[] = [];
  let calls = 0;
  for (let r = 0; r < timing.rounds; r++) {
    start = now();
    count = 0;
    while (now() - start < timing.roundSec) {
      for (let i = 0; i < step; i++) {
        check(options.signal);
        await op();
      }
      count += step;
    }
    rounds.push((multiplier * count) / (now() - start));
    calls += count;
  }
  return { ...meanSd(rounds), rounds, unit: options.unit ?? 'ops/s', calls };
}

/**
 * Runs `fn` with a time budget: rejects with BenchAbortedError after `ms`, and aborts
 * the signal it passes so that a loop still running stops at its next check.
 */
export async function withTimeout<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctl.abort();
      reject(new BenchAbortedError(`no result within ${Math.round(ms / 1000)} s (hang?)`));
    }, ms);
  });
  try {
    return await Promise.race([fn(ctl.signal), expired]);
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
}
