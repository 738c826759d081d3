/**
 * `pnpm bench serve`: requests/s and p50/p99 latency of ray-ts Serve over HTTP vs a plain
 * fastify server doing the same work in one process, measured in the same run with the
 * same load generator (autocannon), on loopback. Two cases: a no-op deployment (`{ ok: true }`) and
 * the ONNX fixture model on 8 posted rows.
 *
 *   pnpm bench serve [--seconds S] [--connections C] [--only noop|onnx] [--json out.json]
 *
 * Serve: one replica (maxOngoingRequests 64) behind the proxy actor; `ray.init({ numCpus: 2 })`.
 * Plain: a child process running fastify doing the same work. The load generator is
 * autocannon (./load.ts: C keep-alive connections in a closed loop), run in a child process
 * of its own. Each measurement follows a 1 s warm-up. The ratio is Serve / plain (rps: < 1 is slower; latency: > 1 is slower).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { Noop, Onnx } from './deployments.js';
import type { LoadOptions, LoadResult } from './load.js';
import { ONNX_BODY } from './model.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    only: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  console.log('usage: pnpm bench serve [--seconds S (default 5)] [--connections C (default 8)] [--only noop|onnx] [--json out.json]');
  process.exit(0);
}
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
if (!(SECONDS > 0) || !Number.isInteger(CONNECTIONS) || CONNECTIONS < 1) {
  console.error('--seconds must be > 0 and --connections a positive integer');
  process.exit(2);
}
const CASES = (['noop', 'onnx'] as const).filter((c) => !args.only || args.only === c);
if (CASES.length === 0) {
  console.error(`--only must be noop or onnx, got '${args.only}'`);
  process.exit(2);
}

/** Starts the plain server for a case; resolves to it and its port. */
function startPlain(mode: string): Promise<{ child: ChildProcess; port: number }> {
  const file = fileURLToPath(new URL('./plain-server.ts', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, file, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the plain server exited (${code})`)));
    child.stdout!.on('data', (d: Buffer) => {
      const m = /port (\d+)/.exec(d.toString());
      if (m) resolve({ child, port: Number(m[1]) });
    });
  });
}

/** Runs the load generator in a child process (see load-main.ts). */
function loadInChild(o: LoadOptions): Promise<LoadResult> {
  const file = fileURLToPath(new URL('./load-main.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...process.execArgv, file, JSON.stringify(o)], { timeout: (o.seconds + 60) * 1000 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

async function measure(url: string, body: string | undefined): Promise<LoadResult> {
  const method = body ? 'POST' : 'GET';
  await loadInChild({ url, connections: CONNECTIONS, seconds: 1, method, body });
  return loadInChild({ url, connections: CONNECTIONS, seconds: SECONDS, method, body });
}

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function report(name: string, s: LoadResult, p: LoadResult): Record<string, unknown> {
  console.log(`\n${name}  (${CONNECTIONS} connections, ${SECONDS} s)`);
  console.log(`  ${'server'.padEnd(22)} ${'req/s'.padStart(9)} ${'mean ms'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)}`);
  for (const [label, r] of [['ray-ts serve', s], ['plain fastify (ref)', p]] as const) {
    console.log(`  ${label.padEnd(22)} ${f(r.rps).padStart(9)} ${f(r.meanMs, 3).padStart(8)} ${f(r.p50Ms).padStart(7)} ${f(r.p99Ms).padStart(7)} ${String(r.errors).padStart(7)}`);
  }
  const ratio = { rps: s.rps / p.rps, meanLatency: s.meanMs / p.meanMs };
  console.log(`  ratio serve/plain: req/s ${f(ratio.rps, 3)}  mean latency ${f(ratio.meanLatency, 2)}x  (overhead: ${f(1 / ratio.rps, 2)}x the time per request; mean = connections / req/s, as autocannon's percentiles are whole ms)`);
  return { case: name, serve: s, plain: p, ratio };
}

if (ray.isMain(import.meta)) {
  console.log('bench serve: load generator = autocannon in a child process; reference = fastify serving the same work in one process');
  await ray.init({ numCpus: 2 });
  const results: Record<string, unknown>[] = [];
  try {
    for (const c of CASES) {
      const body = c === 'onnx' ? ONNX_BODY : undefined;
      await serve.run<unknown>(c === 'onnx' ? Onnx.bind() : Noop.bind(), { name: c, routePrefix: `/${c}`, port: 0 });
      const port = (await serve.status()).proxy!.port;
      const s = await measure(`http://127.0.0.1:${port}/${c}`, body);
      await serve.delete(c);
      const plain = await startPlain(c);
      let p: LoadResult;
      try {
        p = await measure(`http://127.0.0.1:${plain.port}/`, body);
      } finally {
        plain.child.kill('SIGTERM');
      }
      results.push(report(c === 'onnx' ? 'onnx (4-8-2 MLP, 8 rows per request)' : 'no-op deployment', s, p));
    }
  } finally {
    await serve.shutdown();
    ray.shutdown();
  }
  if (args.json) writeFileSync(args.json, JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, loadGenerator: 'autocannon', reference: 'fastify', results }, null, 2));
}
