/**
 * many-models: Ray's first example in ray-ts. Trains 20 random forests with 5..100
 * trees on one data set, first in parallel as ray-ts tasks (one per model), then one
 * after another in this process; prints every model's held-out score, the best model,
 * both wall times and the speedup. Then the same 20 trainings again as a Tune sweep
 * (a grid search over the tree counts, metric R², mode max): Tune's result table, the
 * best config, and whether it is the tasks' best model.
 *
 * Run: `pnpm example many-models` (full size) or `pnpm example many-models --small` (a few seconds); the
 * environment variable `MANY_MODELS_SMALL=1` does the same as `--small`.
 * `--skip tasks` or `--skip tune` leaves a part out.
 * @module
 */
import * as ray from '@ray-ts/core';
import { Tuner, tune } from '@ray-ts/tune';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeFriedman1, seedOf, trainAndScore, trainForest, trainModel, type ModelResult } from './models.js';

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

/** The parts of the example: `tasks` (parallel tasks, then sequential) and `tune` (the Tune sweep). */
export type Part = 'tasks' | 'tune';

function describe(r: ModelResult): string {
  return `model ${String(r.index + 1).padStart(2)}  nEstimators=${String(r.nEstimators).padEnd(3)}  ` +
    `R²=${r.r2.toFixed(6)}  RMSE=${r.rmse.toFixed(4)}  (${(r.ms / 1000).toFixed(2)} s, pid ${r.pid})`;
}

const progress = (done: number, total: number, r: ModelResult): void =>
  console.log(`  [${String(done).padStart(2)}/${total}] ${describe(r)}`);

/** Trains the models as ray-ts tasks, then sequentially; returns the results and whether both agree. */
async function tasksPart(size: RunSize, data: ReturnType<typeof makeFriedman1>, trees: number[], cpus: number): Promise<{ results: ModelResult[]; ok: boolean }> {
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
    `on ${cpus} CPUs`);
  return { results: parallel, ok: agree === size.models };
}

/**
 * Trains the same models as a Tune sweep: `trainForest` is a function trainable, the grid
 * is the tree counts; Tune prints its table of trials once, at the end. Returns whether
 * every trial's scores and Tune's best are the tasks' (when given).
 */
async function tunePart(size: RunSize, trees: number[], tasks: ModelResult[] | undefined): Promise<boolean> {
  console.log(`\nTune: the same ${size.models} models as a grid search over nEstimators, metric R² (r2), mode max`);
  const storagePath = mkdtempSync(join(tmpdir(), 'many-models-tune-'));
  try {
    const start = performance.now();
    const grid = await new Tuner(trainForest, {
      paramSpace: { nEstimators: tune.gridSearch(trees), treeStep: size.treeStep, samples: size.samples },
      tuneConfig: { metric: 'r2', mode: 'max' },
      // verbose 2 prints the table even when stdout is not a terminal; with a long interval, only the final one.
      runConfig: { name: 'many-models', storagePath, verbose: 2, progressIntervalS: 3600 },
    }).fit();
    const tuneS = (performance.now() - start) / 1000;
    const best = grid.getBestResult();
    const m = best.metrics!;
    console.log(`Tune: ${grid.numTerminated}/${grid.length} trials terminated, ${grid.numErrors} errors, ${tuneS.toFixed(2)} s`);
    console.log(`Best config: ${JSON.stringify(best.config)} (trial ${best.trialId}): model ${m.model}, R²=${(m.r2 as number).toFixed(6)}, RMSE=${(m.rmse as number).toFixed(4)}`);
    if (!tasks) return grid.numErrors === 0;
    const agree = grid.results.filter((t) => {
      const r = tasks.find((x) => x.nEstimators === t.config.nEstimators);
      return r !== undefined && t.metrics?.r2 === r.r2 && t.metrics.rmse === r.rmse;
    }).length;
    console.log(`Tune's and the tasks' scores agree: ${agree === size.models ? 'yes' : 'NO'} (${agree}/${size.models})`);
    const tasksBest = tasks.reduce((a, b) => (b.r2 > a.r2 ? b : a));
    const same = best.config.nEstimators === tasksBest.nEstimators && m.r2 === tasksBest.r2 && m.rmse === tasksBest.rmse;
    console.log(`Tune's best is the tasks' best model: ${same ? 'yes' : 'NO'} (model ${tasksBest.index + 1}, ${tasksBest.nEstimators} trees, R²=${tasksBest.r2.toFixed(6)})`);
    return same && agree === size.models && grid.numErrors === 0;
  } finally {
    rmSync(storagePath, { recursive: true, force: true });
  }
}

/** Runs the example; returns false when the parts' scores differ (or a trial failed). */
export async function main(size: RunSize, parts: readonly Part[] = ['tasks', 'tune']): Promise<boolean> {
  const info = await ray.init();
  try {
    const data = makeFriedman1(size.samples, 1);
    const trees = Array.from({ length: size.models }, (_, i) => (i + 1) * size.treeStep);
    console.log(`many-models: ${size.models} random forests (${trees[0]}..${trees.at(-1)} trees) on Friedman #1: ` +
      `${data.yTrain.length} train / ${data.yTest.length} test rows, ${data.nFeatures} features; ray-ts with ${info.resources.CPU} CPUs`);
    let ok = true;
    let results: ModelResult[] | undefined;
    if (parts.includes('tasks')) ({ results, ok } = await tasksPart(size, data, trees, info.resources.CPU));
    if (parts.includes('tune')) ok = (await tunePart(size, trees, results)) && ok;
    return ok;
  } finally {
    ray.shutdown();
  }
}

if (ray.isMain(import.meta)) {
  const { values } = parseArgs({ options: { small: { type: 'boolean', default: false }, skip: { type: 'string', multiple: true, default: [] } } });
  const skip = values.skip.flatMap((s) => s.split(','));
  const small = values.small || process.env.MANY_MODELS_SMALL === '1';
  const bad = skip.find((s) => s !== 'tasks' && s !== 'tune');
  if (bad !== undefined) {
    console.error(`--skip takes 'tasks' or 'tune' (or both, comma-separated), got '${bad}'`);
    process.exitCode = 2;
  } else if (!(await main(small ? SMALL : FULL, (['tasks', 'tune'] as const).filter((p) => !skip.includes(p))))) {
    process.exitCode = 1;
  }
}
