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

/** Two workloads timed in alternation, so that both see the same machine load. */
export interface Paired<A, B> {
  a: Timed<A>;
  b: Timed<B>;
  /** a/b time of each round. */
  ratios: number[];
  /** Median of `ratios`. */
  ratio: number;
}

/**
 * Runs `a` and `b` once each untimed (warm-up), then `runs` rounds of both, timed, the
 * order swapped every round: on a machine shared with other work, the ratio of one
 * round is of two runs seconds apart, not of two phases minutes apart.
 */
export async function pairedRuns<A, B>(a: () => Promise<A>, b: () => Promise<B>, runs: number): Promise<Paired<A, B>> {
  let ra: A = await a();
  let rb: B = await b();
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    for (const which of order) {
      if (which === 'a') {
        const [r, s] = await timed(a);
        ra = r;
        sa.push(s);
      } else {
        const [r, s] = await timed(b);
        rb = r;
        sb.push(s);
      }
    }
  }
  const ratios = sa.map((s, i) => s / sb[i]!);
  return { a: { result: ra, seconds: sa, median: median(sa) }, b: { result: rb, seconds: sb, median: median(sb) }, ratios, ratio: median(ratios) };
}

/** `1.23 s (1.20, 1.23, 1.31)`. */
export function describeRuns(t: Timed<unknown>): string {
  return `${t.median.toFixed(2)} s median of ${t.seconds.length} (${t.seconds.map((s) => s.toFixed(2)).join(', ')})`;
}

/** `12,345,678`. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
