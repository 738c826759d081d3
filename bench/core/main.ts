/**
 * The core suite: Ray's core microbenchmarks (`ray microbenchmark`) on ray-ts, each
 * printed beside Ray's published figure, then piscina on the same no-op in the same run.
 * Each benchmark has a time budget, so one that hangs is reported and the suite goes on.
 */
import * as ray from '@ray-ts/core';
import { makeContext, type BenchCase } from './bench-case.js';
import { actorBenches } from './actor-benches.js';
import { objectBenches } from './object-benches.js';
import { parseCoreArgs, USAGE, type CoreBenchOptions } from './options.js';
import { piscinaBenches } from './piscina-peer.js';
import { settle } from './settle.js';
import { loadReference } from './reference.js';
import { formatReport, writeJson, type BenchResult, type CoreReport } from './report.js';
import { taskBenches } from './task-benches.js';
import { QUICK_TIMING, RAY_TIMING, withTimeout } from './timeit.js';

/** Every ray-ts benchmark, in Ray's order. */
export const rayBenches: readonly BenchCase[] = [...objectBenches, ...taskBenches, ...actorBenches];

/** Every benchmark name of the suite (ray-ts ones, then the piscina peer). */
export const benchNames: readonly string[] = [...rayBenches, ...piscinaBenches].map((b) => b.name);

/** Pause (ms) before each benchmark, with garbage collected (Ray sleeps 10 s). */
const SETTLE_MS = 2000;

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.split('\n')[0]}`;
  return String(err);
}

/** Runs one benchmark under its time budget; never throws. */
async function runOne(b: BenchCase, opts: CoreBenchOptions, index: string): Promise<BenchResult> {
  const timing = opts.quick ? QUICK_TIMING : RAY_TIMING;
  process.stderr.write(`${index} ${b.name} ... `);
  await settle(opts.quick ? 100 : SETTLE_MS);
  const t0 = performance.now();
  const result: BenchResult = { name: b.name, note: b.note, seconds: 0 };
  try {
    result.measurement = await withTimeout(opts.timeoutSec * 1000, (signal) => b.run(makeContext(timing, signal, opts.quick, opts.nActors)));
  } catch (err) {
    result.error = describe(err);
  }
  result.seconds = (performance.now() - t0) / 1000;
  const m = result.measurement;
  process.stderr.write(m ? `${(m.median ?? m.mean).toFixed(2)} ${m.unit} (${result.seconds.toFixed(1)} s)\n` : `FAILED after ${result.seconds.toFixed(1)} s: ${result.error}\n`);
  return result;
}

/** Runs the ray-ts benchmarks in one ray session, restarting it after one that hung. */
async function runRayBenches(cases: readonly BenchCase[], opts: CoreBenchOptions, total: number): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  if (cases.length === 0) return results;
  await ray.init();
  for (const b of cases) {
    const r = await runOne(b, opts, `[${results.length + 1}/${total}]`);
    results.push(r);
    if (r.error) {
      // Whatever it left running (actors, queued tasks) would skew the next ones.
      process.stderr.write('  restarting ray-ts after the failure\n');
      ray.shutdown();
      await ray.init();
    }
  }
  ray.shutdown();
  return results;
}

/**
 * Runs the suite with the arguments after `core`; returns the exit code
 * (0 when every benchmark gave a figure, 1 when some failed, 2 on bad arguments).
 */
export async function main(argv: readonly string[]): Promise<number> {
  let opts: CoreBenchOptions;
  try {
    opts = parseCoreArgs(argv);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  if (opts.help) {
    console.log(`${USAGE}\nbenchmarks:\n  ${benchNames.join('\n  ')}`);
    return 0;
  }
  const unknown = (opts.only ?? []).filter((n) => !benchNames.includes(n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}\nbenchmarks:\n  ${benchNames.join('\n  ')}`);
    return 2;
  }
  const selected = (list: readonly BenchCase[]) => list.filter((b) => !opts.only || opts.only.includes(b.name));
  const rayCases = selected(rayBenches);
  const peerCases = selected(piscinaBenches);
  const total = rayCases.length + peerCases.length;
  const ref = loadReference();

  const results = await runRayBenches(rayCases, opts, total);
  // The peer runs after ray-ts has shut down, so the two never share the CPUs.
  for (const b of peerCases) results.push(await runOne(b, opts, `[${results.length + 1}/${total}]`));

  const report: CoreReport = { timing: opts.quick ? QUICK_TIMING : RAY_TIMING, quick: opts.quick, nActors: opts.nActors, results };
  console.log(formatReport(report, ref));
  if (opts.json) {
    writeJson(opts.json, report, ref);
    console.log(`\nwrote ${opts.json}`);
  }
  return results.some((r) => r.error) ? 1 : 0;
}
