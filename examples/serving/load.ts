/**
 * A load client: sends N requests over HTTP with C in flight at a time (a closed loop on
 * keep-alive connections: Node's fetch pools them), times each with `performance.now()`,
 * and reports throughput, latency percentiles and the batches the model ran them in.
 *
 * As a program, against a running app (e.g. deployed from serve.yaml), also checking every
 * answer against onnxruntime in this process:
 *   node --conditions=development --import tsx examples/serving/load.ts --url http://127.0.0.1:8000/classify [--requests 2000] [--concurrency 32]
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Answer } from './app.js';
import { FEATURES, type Reading } from './pipeline.js';

/** Options of {@link sendLoad}. */
export interface LoadOptions {
  url: string;
  /** Requests to send. */
  requests: number;
  /** Requests in flight at a time. */
  concurrency: number;
  /** Milliseconds one request may take before it counts as failed. @default 30000 */
  timeoutMs?: number;
}

/** What {@link sendLoad} measured. */
export interface LoadResult {
  /** The body of request i. */
  bodies: string[];
  /** The answer to request i (undefined if it failed). */
  answers: (Answer | undefined)[];
  /** Milliseconds from sending request i to having its whole answer parsed. */
  latenciesMs: number[];
  /** Wall-clock seconds of the whole load. */
  seconds: number;
  /** Requests that failed, and the first failure. */
  failed: number;
  firstError?: string;
}

/** Request i's body: 1 to 4 readings around the normal operating point, some far off it. */
export function bodyOf(i: number): string {
  const readings = Array.from({ length: 1 + (i % 4) }, (_, r): Reading => {
    const [t, v, p, n] = FEATURES.map((f, k) => f.mean + f.std * 2 * Math.sin(1.3 * i + 0.7 * r + 2.1 * k));
    return { temperature: t!, vibration: v!, pressure: p!, rpm: n! };
  });
  return JSON.stringify({ readings });
}

/** Sends the load; resolves when every request has answered or failed. */
export async function sendLoad(o: LoadOptions): Promise<LoadResult> {
  const bodies = Array.from({ length: o.requests }, (_, i) => bodyOf(i));
  const answers: (Answer | undefined)[] = new Array(o.requests).fill(undefined);
  const latenciesMs: number[] = new Array(o.requests).fill(NaN);
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: o.concurrency }, async () => {
    for (let i = next++; i < o.requests; i = next++) {
      const t0 = performance.now();
      try {
        const res = await fetch(o.url, {
          method: 'POST', body: bodies[i], headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`HTTP ${res.status} ${text}`);
        answers[i] = JSON.parse(text) as Answer;
        latenciesMs[i] = performance.now() - t0;
      } catch (err) {
        failed++;
        firstError ??= `request ${i}: ${(err as Error).message}`;
      }
    }
  }));
  return { bodies, answers, latenciesMs, seconds: (performance.now() - start) / 1000, failed, firstError };
}

/** The p-th percentile (nearest rank) of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The throughput and latency lines. */
export function latencyLines(o: LoadOptions, r: LoadResult): string[] {
  const ok = r.latenciesMs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const ms = (p: number) => (ok.length ? percentile(ok, p).toFixed(1) : '-');
  return [
    `load: ${o.requests} requests, ${o.concurrency} at a time: ${ok.length} answered, ${r.failed} failed in ${r.seconds.toFixed(2)} s, ${(ok.length / r.seconds).toFixed(1)} req/s`
      + (r.firstError ? ` (first failure: ${r.firstError})` : ''),
    `latency: mean ${ok.length ? (ok.reduce((a, b) => a + b, 0) / ok.length).toFixed(1) : '-'} ms, p50 ${ms(50)} ms, p90 ${ms(90)} ms, p99 ${ms(99)} ms, max ${ms(100)} ms`,
  ];
}

/** The batches the answers came from: how many, on which replicas, their sizes. */
export function batchLines(answers: readonly (Answer | undefined)[]): string[] {
  const batches = new Map<string, number>();
  const perReplica = new Map<string, number>();
  for (const a of answers) {
    if (!a) continue;
    batches.set(`${a.batch.replica}#${a.batch.id}`, a.batch.size);
    perReplica.set(a.batch.replica, (perReplica.get(a.batch.replica) ?? 0) + 1);
  }
  const sizes = [...batches.values()];
  const total = sizes.reduce((s, n) => s + n, 0);
  const buckets: [string, number, number][] = [['1', 1, 1], ['2-3', 2, 3], ['4-7', 4, 7], ['8-15', 8, 15], ['16+', 16, Infinity]];
  const replicas = [...perReplica].map(([id, n]) => `${id}: ${n}`).join(', ');
  return [
    `batches: ${sizes.length} run by ${perReplica.size} Model replica(s) (requests per replica ${replicas}); mean size ${(total / Math.max(1, sizes.length)).toFixed(2)}, largest ${Math.max(0, ...sizes)}`,
    `batch sizes: ${buckets.map(([name, lo, hi]) => `${name}: ${sizes.filter((s) => s >= lo && s <= hi).length}`).join(', ')}`,
  ];
}

function isMain(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8000/classify' },
      requests: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '32' },
    },
  });
  const o: LoadOptions = { url: values.url, requests: Number(values.requests), concurrency: Number(values.concurrency) };
  if (!Number.isInteger(o.requests) || o.requests < 1 || !Number.isInteger(o.concurrency) || o.concurrency < 1) {
    console.error('--requests and --concurrency must be positive integers');
    process.exit(2);
  }
  const { Reference } = await import('./reference.js');
  const r = await sendLoad(o);
  for (const line of [...latencyLines(o, r), ...batchLines(r.answers)]) console.log(line);
  const ref = await Reference.create();
  const c = await ref.check(r.bodies, r.answers as Answer[]);
  await ref.close();
  console.log(`answers: ${c.matching} of ${o.requests} match onnxruntime in this process (max probability difference ${c.maxDiff.toExponential(1)})`);
  if (c.firstMismatch) console.log(`first mismatch: ${c.firstMismatch}`);
  process.exitCode = c.matching === o.requests ? 0 : 1;
}
