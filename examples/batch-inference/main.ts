/**
 * batch-inference: the batch inference pipeline with ray-ts Data, end to end.
 * Writes generated sensor readings to Parquet in a temporary directory, then reads them
 * back, keeps the good ones (`filter`), adds a model input column (`mapBatches` on
 * Arrow batches), runs an ONNX model on an actor pool of 2 (`mapBatches` with a class),
 * writes the predictions to Parquet, and checks every written row against the filter
 * and against onnxruntime called directly in this process.
 *
 * Run: `node --conditions=development --import tsx examples/batch-inference/main.ts
 * [--rows N] [--min-quality Q] [--model path.onnx] [--keep]`.
 * @module
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { addFeatures, centred, goodQuality, inputMatrix, makeReadings, OnnxPredictor, readingsOf } from './pipeline.js';

/** The data package's committed test model: x float [N, 4] -> y float [N, 2] (a 4-8-2 MLP). */
export const DEFAULT_MODEL = fileURLToPath(new URL('../../packages/data/test/fixtures/onnx/model.onnx', import.meta.url));

/** Options of a run. */
export interface RunOptions {
  rows: number;
  minQuality: number;
  model: string;
  /** Keep the temporary directory (and print it). */
  keep: boolean;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The optimized plan of `explain()` on one line, sources first: `ReadParquet->Filter(...) -> MapBatches(...)`. */
function planOf(explained: string): string {
  const optimized = explained.split('-------- Optimized Plan --------\n')[1] ?? '';
  return optimized.split('\n').map((l) => l.replace(/^[\s+-]*/, '')).reverse().join(' -> ');
}

/** Reads the written predictions back and checks them; returns the lines to print and whether all checks passed. */
async function verify(outDir: string, opts: RunOptions): Promise<{ ok: boolean; lines: string[]; pids: Set<number> }> {
  const all = Int32Array.from({ length: opts.rows }, (_, i) => i);
  const q = readingsOf(all).quality as Float64Array;
  const expected = Array.from(all).filter((id) => q[id]! >= opts.minQuality);
  const session = await ort.InferenceSession.create(opts.model);
  const ids: number[] = [];
  const pids = new Set<number>();
  let maxDiff = 0;
  let labelsOk = true;
  let x3Ok = true;
  for await (const b of data.readParquet(outDir).iterBatches({ batchSize: 8192 })) {
    const batch = b as Record<string, ArrayLike<number>>;
    const n = batch.id!.length;
    const fresh = readingsOf(batch.id!);
    for (let i = 0; i < n; i++) {
      ids.push(batch.id![i]!);
      pids.add(batch.pid![i]!);
      if (batch.x3![i] !== Math.fround(centred(fresh.s3![i]!)) || batch.s0![i] !== fresh.s0![i]) x3Ok = false;
    }
    const y = (await session.run({ x: new ort.Tensor('float32', inputMatrix(batch), [n, 4]) })).y!.data as Float32Array;
    for (let r = 0; r < n; r++) {
      maxDiff = Math.max(maxDiff, Math.abs(batch.score![r]! - y[2 * r]!));
      if (batch.label![r] !== (y[2 * r + 1]! > y[2 * r]! ? 1 : 0)) labelsOk = false;
    }
  }
  const sorted = [...ids].sort((a, b) => a - b);
  const sameIds = sorted.length === expected.length && sorted.every((id, i) => id === expected[i]);
  const ok = sameIds && x3Ok && labelsOk && maxDiff === 0;
  const yes = (b: boolean) => (b ? 'yes' : 'NO');
  return {
    ok,
    pids,
    lines: [
      `  rows are exactly the readings with quality >= ${opts.minQuality}: ${yes(sameIds)} (${fmt(ids.length)} written, ${fmt(expected.length)} expected)`,
      `  added column x3 and the other columns are right: ${yes(x3Ok)}`,
      `  scores equal onnxruntime run directly in this process: ${yes(maxDiff === 0)} (max |difference| ${maxDiff})`,
      `  labels agree: ${yes(labelsOk)}`,
    ],
  };
}

/** Runs the example; returns true when every check passed. */
export async function main(opts: RunOptions): Promise<boolean> {
  const info = await ray.init();
  const dir = mkdtempSync(join(tmpdir(), 'ray-ts-batch-inference-'));
  const inDir = join(dir, 'readings');
  const outDir = join(dir, 'predictions');
  try {
    console.log(`batch-inference: ${fmt(opts.rows)} sensor readings, model ${opts.model}; ray-ts with ${info.resources.CPU} CPUs`);
    await data.range(opts.rows, { overrideNumBlocks: 4 }).mapBatches(makeReadings, { batchSize: null }).writeParquet(inDir);
    const inFiles = readdirSync(inDir).filter((f) => f.endsWith('.parquet')).length;
    console.log(`input: ${fmt(opts.rows)} rows written to ${inFiles} Parquet files`);

    const ds = data.readParquet(inDir)
      .filter(goodQuality, { fnArgs: [opts.minQuality] })
      .mapBatches(addFeatures, { batchFormat: 'arrow', batchSize: 4096 })
      .mapBatches(OnnxPredictor, { concurrency: 2, batchSize: 256, fnConstructorArgs: [opts.model] });
    const start = performance.now();
    await ds.writeParquet(outDir);
    const secs = (performance.now() - start) / 1000;
    const outFiles = readdirSync(outDir).filter((f) => f.endsWith('.parquet')).length;
    console.log(`pipeline: ${planOf(await ds.explain())} -> WriteParquet`);
    console.log(`output: predictions written to ${outFiles} Parquet files in ${secs.toFixed(2)} s (${fmt(opts.rows / secs)} input rows/s)`);

    const v = await verify(outDir, opts);
    console.log(`model ran in ${v.pids.size} actor processes (pids ${[...v.pids].join(', ')})`);
    console.log('checks:');
    for (const l of v.lines) console.log(l);
    console.log(`verified: ${v.ok ? 'yes' : 'NO'}`);
    if (opts.keep) console.log(`files kept in ${dir}`);
    return v.ok;
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    ray.shutdown();
  }
}

if (ray.isMain(import.meta)) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      'min-quality': { type: 'string', default: '0.3' },
      model: { type: 'string', default: DEFAULT_MODEL },
      keep: { type: 'boolean', default: false },
    },
  });
  const opts: RunOptions = { rows: Number(values.rows), minQuality: Number(values['min-quality']), model: values.model!, keep: values.keep! };
  if (!(Number.isInteger(opts.rows) && opts.rows > 0) || !(opts.minQuality >= 0 && opts.minQuality <= 1)) {
    console.error('--rows must be a positive integer and --min-quality a number in [0, 1]');
    process.exit(2);
  }
  process.exitCode = (await main(opts)) ? 0 : 1;
}
