/**
 * many-models: Ray's first example in ray-ts. Trains 20 random forests with 5..100
 * trees on one data set, first in parallel as ray-ts tasks (one per model), then one
 * after another in this process; prints every model's held-out score, the best model,
 * both wall times and the speedup.
 *
 * Run: `pnpm start` (full size) or `pnpm start --small` (a few seconds); the
 * environment variable `MANY_MODELS_SMALL=1` does the same as `--small`.
 * @module
 */
import * as ray from '@ray-ts/core';
import { makeFriedman1, trainAndScore, trainModel, type ModelResult } from './models.js';

/** How big a run is. */
export interface RunSize {
  /** Rows of the data set (80% train, 20% test). */
  samples: number;
  /** Model i (0-based) has `(i + 1) * treeStep` trees. */
  treeStep: number;
  /** Number of models. */
  models: number;
}

/** The default run: tens of seconds sequentially on 2 cores. */
export const FULL: RunSize = { samples: 600, treeStep: 5, models: 20 };
/** The test run: a few seconds. */
export const SMALL: RunSize = { samples: 200, treeStep: 1, models: 20 };

/** The forest of model i is seeded with this, in both runs, so both give the same scores. */
const seedOf = (i: number): number => 1000 + i;

function describe(r: ModelResult): string {
  return `model ${String(r.index + 1).padStart(2)}  nEstimators=${String(r.nEstimators).padEnd(3)}  ` +
    `R²=${r.r2.toFixed(6)}  RMSE=${r.rmse.toFixed(4)}  (${(r.ms / 1000).toFixed(2)} s, pid ${r.pid})`;
}

const progress = (done: number, total: number, r: ModelResult): void =>
  console.log(`  [${String(done).padStart(2)}/${total}] ${describe(r)}`);

/** Runs the example; returns false when the parallel and sequential scores differ. */
export async function main(size: RunSize): Promise<boolean> {
  const info = await ray.init();
  const data = makeFriedman1(size.samples, 1);
  const trees = Array.from({ length: size.models }, (_, i) => (i + 1) * size.treeStep);
  console.log(`many-models: ${size.models} random forests (${trees[0]}..${trees.at(-1)} trees) on Friedman #1: ` +
    `${data.yTrain.length} train / ${data.yTest.length} test rows, ${data.nFeatures} features; ray-ts with ${info.resources.CPU} CPUs`);

  console.log('\nParallel: one ray-ts task per model, the data set put once in the object store');
  let start = performance.now();
  const dataRef = ray.put(data);
  let pending = trees.map((n, i) => trainModel.remote(dataRef, i, n, seedOf(i)));
  const parallel: ModelResult[] = [];
  while (pending.length > 0) {
    const [ready, notReady] = await ray.wait(pending);
    for (const r of await ray.get(ready)) {
      parallel[r.index] = r;
      progress(parallel.filter(Boolean).length, size.models, r);
    }
    pending = notReady;
  }
  const parallelS = (performance.now() - start) / 1000;
  console.log(`  parallel wall time: ${parallelS.toFixed(2)} s`);

  console.log('\nSequential: the same models one after another in the driver');
  start = performance.now();
  const sequential = trees.map((n, i) => {
    const r = trainAndScore(data, i, n, seedOf(i));
    progress(i + 1, size.models, r);
    return r;
  });
  const sequentialS = (performance.now() - start) / 1000;
  console.log(`  sequential wall time: ${sequentialS.toFixed(2)} s`);

  console.log('\nmodel  nEstimators  R² (test)  RMSE (test)  same score in both runs');
  let agree = 0;
  for (const p of parallel) {
    const same = p.r2 === sequential[p.index].r2 && p.rmse === sequential[p.index].rmse;
    if (same) agree++;
    console.log(`${String(p.index + 1).padStart(5)}  ${String(p.nEstimators).padStart(11)}  ${p.r2.toFixed(6).padStart(9)}  ` +
      `${p.rmse.toFixed(4).padStart(11)}  ${same ? 'yes' : 'NO'}`);
  }
  const best = parallel.reduce((a, b) => (b.r2 > a.r2 ? b : a));
  console.log(`\nBest model: model ${best.index + 1} with ${best.nEstimators} trees, R²=${best.r2.toFixed(6)}, RMSE=${best.rmse.toFixed(4)}`);
  console.log(`Parallel and sequential scores agree: ${agree === size.models ? 'yes' : 'NO'} (${agree}/${size.models})`);
  console.log(`Parallel ${parallelS.toFixed(2)} s, sequential ${sequentialS.toFixed(2)} s, speedup ${(sequentialS / parallelS).toFixed(2)}x ` +
    `on ${info.resources.CPU} CPUs`);
  ray.shutdown();
  return agree === size.models;
}

if (ray.isMain(import.meta)) {
  const small = process.argv.includes('--small') || process.env.MANY_MODELS_SMALL === '1';
  if (!(await main(small ? SMALL : FULL))) process.exitCode = 1;
}
