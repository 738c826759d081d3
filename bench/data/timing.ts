/** Timing helpers of the data benchmarks: warm-up, repeated runs, medians. */

/** The result of timed runs. */
export interface Timed<T> {
  /** What the last run returned. */
  result: T;
  /** Seconds of each timed run. */
  seconds: number[];
  /** Median of `seconds`. */
  median: number;
}

/** Seconds taken by `fn`, and its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

/** Median of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `fn` once untimed (warm-up), then `runs` times timed. */
export async function warmThenTime<T>(fn: () => Promise<T>, runs: number): Promise<Timed<T>> {
  let result: T = await fn();
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [r, s] = await timed(fn);
    result = r;
    seconds.push(s);
  }
  return { result, seconds, median: median(seconds) };
}

/** `1.23 s (1.20, 1.23, 1.31)`. */
export function describeRuns(t: Timed<unknown>): string {
  return `${t.median.toFixed(2)} s median of ${t.seconds.length} (${t.seconds.map((s) => s.toFixed(2)).join(', ')})`;
}

/** `12,345,678`. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
