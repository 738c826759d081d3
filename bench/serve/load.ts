/**
 * A small closed-loop HTTP load generator (autocannon is not installed): `connections`
 * keep-alive connections, each sending its next request as soon as the last answer is
 * read, for `seconds`. Reports requests/s and latency percentiles.
 */
import { Agent, request } from 'node:http';

/** One measurement. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
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

function once(agent: Agent, u: URL, method: string, body: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs the load and measures it. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const u = new URL(o.url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const latencies: number[] = [];
  let errors = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(o.seconds * 1e9));
  await Promise.all(Array.from({ length: o.connections }, async () => {
    while (process.hrtime.bigint() < end) {
      const t0 = process.hrtime.bigint();
      try {
        const status = await once(agent, u, o.method ?? 'GET', o.body);
        if (status !== 200) errors++;
        else latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch {
        errors++;
      }
    }
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}
