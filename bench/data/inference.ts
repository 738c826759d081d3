/**
 * `pnpm bench data-inference`: batch inference rows/s, ray-ts Data with an actor pool
 * vs onnxruntime-node called directly in one process, on the same rows and model (the
 * data package's committed ONNX fixture, a 4-8-2 MLP).
 *
 *   pnpm bench data-inference [--rows N] [--batch B] [--runs R] [--json out.json]
 *
 * Both compute the same four features per row id and run the model on batches of B rows:
 * - direct: a loop in this process (`InferenceSession` with default options);
 * - ray-ts: `range(N).mapBatches(featureColumns).mapBatches(OnnxRegressor, { concurrency: 2 })`,
 *   each actor with a one-thread session, consumed by `sum('pred0')`.
 * Warm-up once, then `--runs` timed runs (median); the sums of `pred0` must agree.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { featureColumns, featureMatrix, loadOrt, MODEL_PATH, OnnxRegressor } from './defs.js';
import { describeRuns, fmt, warmThenTime } from './timing.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '4000000' },
    batch: { type: 'string', default: '4096' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const RUNS = Number(args.runs);
if (![ROWS, BATCH, RUNS].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('--rows, --batch and --runs must be positive integers');
  process.exit(2);
}

/** The direct loop: features and model on batches of ids; returns the sum of pred0. */
async function direct(): Promise<number> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(MODEL_PATH);
  let sum = 0;
  const ids = new Int32Array(BATCH);
  for (let start = 0; start < ROWS; start += BATCH) {
    const n = Math.min(BATCH, ROWS - start);
    for (let i = 0; i < n; i++) ids[i] = start + i;
    const x = featureMatrix(ids.subarray(0, n));
    const y = (await session.run({ x: new ort.Tensor('float32', x, [n, 4]) })).y!.data as Float32Array;
    for (let r = 0; r < n; r++) sum += y[2 * r]!;
  }
  return sum;
}

function pipeline(): Promise<number | null> {
  return data.range(ROWS)
    .mapBatches(featureColumns, { batchSize: BATCH })
    .mapBatches(OnnxRegressor, { concurrency: 2, batchSize: BATCH, fnConstructorArgs: [MODEL_PATH] })
    .sum('pred0');
}

if (ray.isMain(import.meta)) {
  const base = await warmThenTime(direct, RUNS);
  const info = await ray.init();
  data.DataContext.getCurrent().enableProgressBars = false;
  const ours = await warmThenTime(pipeline, RUNS);
  ray.shutdown();
  const baseRate = ROWS / base.median;
  const oursRate = ROWS / ours.median;
  const same = Math.abs((ours.result ?? NaN) - base.result) <= 1e-6 * Math.max(1, Math.abs(base.result));
  console.log(`batch inference: ${fmt(ROWS)} rows, batches of ${fmt(BATCH)}, model ${MODEL_PATH.split('/').slice(-2).join('/')} (warm, ${RUNS} timed runs each)`);
  console.log(`  onnxruntime-node directly, one process  ${describeRuns(base)}  ${fmt(baseRate)} rows/s`);
  console.log(`  ray-ts Data, actor pool of 2 (${info.resources.CPU} CPUs)  ${describeRuns(ours)}  ${fmt(oursRate)} rows/s`);
  console.log(`  same predictions (sum of pred0 ${base.result.toFixed(3)} vs ${(ours.result ?? NaN).toFixed(3)}): ${same ? 'yes' : 'NO'}`);
  console.log(`  ray-ts/direct throughput ratio: ${(oursRate / baseRate).toFixed(2)}x`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ rows: ROWS, batch: BATCH, directSeconds: base.seconds, oursSeconds: ours.seconds, ratio: oursRate / baseRate }, null, 2));
  if (!same) process.exitCode = 1;
}
