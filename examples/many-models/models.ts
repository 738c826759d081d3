/**
 * The many-models example's building blocks: a seeded synthetic regression data set
 * (Friedman #1), the training and scoring of one random forest, that training as a
 * ray-ts remote function (`trainModel`) and as a Tune function trainable (`trainForest`).
 * Worker and trial-actor processes import this module to find those two, so it holds
 * definitions only: no driver code runs at import.
 * @module
 */
import * as ray from '@ray-ts/core';
import { tune } from '@ray-ts/tune';
import { RandomForestRegression } from 'ml-random-forest';

/** A regression data set split into train and test rows; features are stored row-major. */
export interface Dataset {
  /** Features per row. */
  nFeatures: number;
  /** Training features, `nTrain * nFeatures` values. */
  xTrain: Float64Array;
  /** Training targets. */
  yTrain: Float64Array;
  /** Test features, `nTest * nFeatures` values. */
  xTest: Float64Array;
  /** Test targets. */
  yTest: Float64Array;
}

/** One trained model's held-out scores. */
export interface ModelResult {
  /** Index of the model in the sweep (0-based). */
  index: number;
  /** Number of trees in the forest. */
  nEstimators: number;
  /** Coefficient of determination on the test split (1 is perfect). */
  r2: number;
  /** Root mean squared error on the test split. */
  rmse: number;
  /** Milliseconds spent training and scoring. */
  ms: number;
  /** Process that trained the model. */
  pid: number;
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Friedman #1 (as in scikit-learn's `make_friedman1`): 10 uniform features, of which
 * the first 5 matter: y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + N(0, noise).
 * The same `seed` always gives the same data. The last `testFraction` of rows is the test split.
 */
export function makeFriedman1(nSamples: number, seed = 1, noise = 1, testFraction = 0.2): Dataset {
  const nFeatures = 10;
  const rnd = mulberry32(seed);
  const x = new Float64Array(nSamples * nFeatures);
  const y = new Float64Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const r = x.subarray(i * nFeatures, (i + 1) * nFeatures);
    for (let j = 0; j < nFeatures; j++) r[j] = rnd();
    const gauss = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()); // Box-Muller
    y[i] = 10 * Math.sin(Math.PI * r[0] * r[1]) + 20 * (r[2] - 0.5) ** 2 + 10 * r[3] + 5 * r[4] + noise * gauss;
  }
  const nTrain = nSamples - Math.round(nSamples * testFraction);
  return {
    nFeatures,
    xTrain: x.slice(0, nTrain * nFeatures),
    yTrain: y.slice(0, nTrain),
    xTest: x.slice(nTrain * nFeatures),
    yTest: y.slice(nTrain),
  };
}

/** Row-major flat features to the `number[][]` that ml-random-forest expects. */
export function toRows(flat: Float64Array, nFeatures: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < flat.length; i += nFeatures) rows.push(Array.from(flat.subarray(i, i + nFeatures)));
  return rows;
}

/** R² and RMSE of predictions against the truth. */
export function score(truth: ArrayLike<number>, predicted: ArrayLike<number>): { r2: number; rmse: number } {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i] / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (truth[i] - predicted[i]) ** 2;
    ssTot += (truth[i] - mean) ** 2;
  }
  return { r2: 1 - ssRes / ssTot, rmse: Math.sqrt(ssRes / n) };
}

/**
 * Trains one random forest of `nEstimators` trees on the training split and scores it
 * on the test split. Deterministic: the forest's bagging is seeded with `seed`.
 */
export function trainAndScore(data: Dataset, index: number, nEstimators: number, seed: number): ModelResult {
  const start = performance.now();
  const forest = new RandomForestRegression({ nEstimators, seed, noOOB: true });
  forest.train(toRows(data.xTrain, data.nFeatures), Array.from(data.yTrain));
  const { r2, rmse } = score(data.yTest, forest.predict(toRows(data.xTest, data.nFeatures)));
  return { index, nEstimators, r2, rmse, ms: performance.now() - start, pid: process.pid };
}

/**
 * {@link trainAndScore} as a ray-ts task. Pass the data set as an `ObjectRef` from
 * `ray.put`, so that it is serialized and stored once rather than once per task.
 */
export const trainModel = ray.remote(trainAndScore);

/** The forest of model `index` (0-based) is seeded with this, in every part, so all parts give the same scores. */
export const seedOf = (index: number): number => 1000 + index;

/** The config of one Tune trial: its tree count, and what rebuilds the data set and the model index. */
export interface ForestConfig {
  /** Trees in the forest: the swept value. */
  nEstimators: number;
  /** Model i (0-based) has `(i + 1) * treeStep` trees, so `nEstimators / treeStep - 1` is the model index (and seed). */
  treeStep: number;
  /** Rows of the Friedman #1 data set (seed 1), as in the tasks part. */
  samples: number;
}

const datasets = new Map<number, Dataset>();

/**
 * {@link trainAndScore} as a Tune function trainable: one report with the model's
 * held-out R² and RMSE. ray-ts Tune has no `tune.with_parameters` yet, so a trial
 * rebuilds the seeded data set from `samples` (the same rows, once per actor process)
 * instead of receiving it.
 */
export async function trainForest(config: ForestConfig): Promise<void> {
  let data = datasets.get(config.samples);
  if (!data) datasets.set(config.samples, (data = makeFriedman1(config.samples, 1)));
  const index = config.nEstimators / config.treeStep - 1;
  const r = trainAndScore(data, index, config.nEstimators, seedOf(index));
  await tune.report({ r2: r.r2, rmse: r.rmse, model: index + 1, pid: r.pid });
}
