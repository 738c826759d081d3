/**
 * A TensorFlow.js MLP trained data-parallel: the training loop every worker runs (an
 * export, so workers can import it), the synthetic data set, and a held-out accuracy.
 * Used by main.ts, by @ray-ts/train's tests and by `pnpm bench train`.
 */
import * as tf from '@tensorflow/tfjs';
import { Checkpoint, collective, getCheckpoint, getContext, getDatasetShard, prepareModel, prepareOptimizer, report, trainOnBatch } from '@ray-ts/train';

/** Features per example. */
export const FEATURES = 8;
const TRUE_W = [0.9, -1.3, 0.4, 1.1, -0.7, 0.2, -1.6, 0.8];

/** Deterministic example `i`: features in [-1, 1) from a hash of i; label = sign of a fixed linear function plus a square term. */
export function example(i: number): { x: number[]; label: number } {
  const x: number[] = [];
  let h = (i + 1) * 2654435761;
  for (let f = 0; f < FEATURES; f++) {
    h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
    x.push((h / 2 ** 32) * 2 - 1);
  }
  const s = x.reduce((acc, v, f) => acc + v * TRUE_W[f]!, 0) + 0.5 * x[0]! * x[1]!;
  return { x, label: s > 0 ? 1 : 0 };
}

/** Rows `{ id, x0..x7, label }` for examples `[from, to)`. */
export function rowsOf(from: number, to: number): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (let i = from; i < to; i++) {
    const { x, label } = example(i);
    out.push({ id: i, label, ...Object.fromEntries(x.map((v, f) => [`x${f}`, v])) });
  }
  return out;
}

function buildModel(seed: number, hidden: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [FEATURES], kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

function tensors(b: Record<string, ArrayLike<number>>): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const n = b.label!.length;
  const flat = new Float32Array(n * FEATURES);
  for (let f = 0; f < FEATURES; f++) {
    const col = b[`x${f}`]!;
    for (let r = 0; r < n; r++) flat[r * FEATURES + f] = col[r]!;
  }
  return { xs: tf.tensor2d(flat, [n, FEATURES]), ys: tf.tensor2d(Float32Array.from(b.label!), [n, 1]) };
}

/** The held-out examples whose predicted probabilities each report carries (`probe`), to check a restored model against. */
export const PROBE_FROM = 100_000;
export const PROBE_TO = 100_004;

/** The model's predicted probabilities for examples `[from, to)`. */
export function predict(model: tf.LayersModel, from: number, to: number): number[] {
  return tf.tidy(() => {
    const rows = rowsOf(from, to);
    const xs = tf.tensor2d(rows.map((r) => Array.from({ length: FEATURES }, (_, f) => r[`x${f}`]!)));
    return Array.from((model.predict(xs) as tf.Tensor).dataSync());
  });
}

/** Share of examples `[from, to)` the model classifies right (probability > 0.5 means label 1). */
export function accuracy(model: tf.LayersModel, from: number, to: number): number {
  return tf.tidy(() => {
    const rows = rowsOf(from, to);
    const xs = tf.tensor2d(rows.map((r) => Array.from({ length: FEATURES }, (_, f) => r[`x${f}`]!)));
    const ys = tf.tensor1d(rows.map((r) => r.label!));
    const pred = (model.predict(xs) as tf.Tensor).reshape([-1]).greater(0.5).cast('float32');
    return pred.equal(ys).cast('float32').mean().dataSync()[0]!;
  });
}

/** Settings of {@link mlpLoop}. */
export interface MlpConfig {
  epochs: number;
  /** Examples per step on each worker (the global batch is this times the workers). */
  batchSize: number;
  lr: number;
  seed: number;
  /** Hidden units. @default 32 */
  hidden?: number;
  /** Save a checkpoint (model + optimizer) each epoch. @default false */
  checkpoint?: boolean;
}

/**
 * Trains the MLP on this worker's shard of 'train' (gradients averaged across workers),
 * reporting loss, held-out accuracy, the probe's predictions, each worker's weight sum and
 * the epoch's time. With a checkpoint to start from (`getCheckpoint()`: after a restart, or
 * the trainer's `resumeFromCheckpoint`), it loads the weights and Adam state and goes on at
 * the epoch after the checkpoint's; the first report then also has `startEpoch` and
 * `restoredAccuracy` (the loaded model's held-out accuracy, before any step).
 */
export async function mlpLoop(config: MlpConfig): Promise<void> {
  const ctx = getContext();
  const model = await prepareModel(buildModel(config.seed, config.hidden ?? 32));
  const opt = prepareOptimizer(tf.train.adam(config.lr));
  const shard = getDatasetShard('train');
  let start = 0;
  let resumed: { startEpoch: number; restoredAccuracy: number } | undefined;
  const resume = getCheckpoint();
  if (resume) {
    const restored = await resume.loadModel({ optimizer: opt.optimizer });
    model.setWeights(restored.getWeights());
    start = ((await resume.getMetadata()).epoch as number) + 1;
    resumed = { startEpoch: start, restoredAccuracy: accuracy(model, 100_000, 101_000) };
  }
  for (let epoch = start; epoch < config.epochs; epoch++) {
    let loss = 0;
    let steps = 0;
    let examples = 0;
    const t0 = performance.now();
    for await (const b of shard.iterBatches({ batchSize: config.batchSize, dropLast: true })) {
      const { xs, ys } = tensors(b as Record<string, ArrayLike<number>>);
      loss += await trainOnBatch(model, opt, xs, ys, tf.losses.logLoss);
      steps++;
      examples += b.label!.length;
      xs.dispose();
      ys.dispose();
    }
    const seconds = (performance.now() - t0) / 1000;
    const sum = tf.tidy(() => model.getWeights().reduce((s, w) => s + w.sum().dataSync()[0]!, 0));
    const sums = ctx.getWorldSize() > 1 ? (await collective.allgather(Float64Array.of(sum))).map((a) => a[0]!) : [sum];
    let checkpoint: Checkpoint | undefined;
    if (config.checkpoint && ctx.getWorldRank() === 0) {
      checkpoint = await Checkpoint.fromModel(model, { optimizer: opt.optimizer });
      await checkpoint.setMetadata({ epoch });
    }
    await report(
      {
        epoch, loss: loss / Math.max(1, steps), steps, examples: examples * ctx.getWorldSize(), seconds,
        accuracy: accuracy(model, 100_000, 101_000), probe: predict(model, PROBE_FROM, PROBE_TO), weightSums: sums, ...resumed,
      },
      { checkpoint },
    );
    resumed = undefined;
  }
}
