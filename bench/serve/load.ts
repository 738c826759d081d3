/**
 * The load generator: autocannon (`connections` keep-alive connections in a closed loop for
 * `seconds`), reporting requests/s (2xx answers over the run) and latency percentiles.
 */
import autocannon from 'autocannon';

/** One measurement. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  /** Mean latency by Little's law for a closed loop (connections / req/s): autocannon's own figures are whole milliseconds. */
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Options of {@link load}. */
export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  body?: string;
}

/** Runs the load and measures it. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const r = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    method: o.method ?? 'GET',
    ...(o.body ? { body: o.body, headers: { 'content-type': 'application/json' } } : {}),
  });
  const ok = r['2xx'];
  const seconds = r.duration;
  return { requests: ok, errors: r.errors + r.timeouts + r.non2xx, seconds, rps: ok / seconds, meanMs: ok > 0 ? (1000 * o.connections * seconds) / ok : NaN, p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}
