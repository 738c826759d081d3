/**
 * The Serve deployment: loads the model and the preprocessing statistics from a Train
 * checkpoint directory, and answers a raw JSON record (as in the CSV: `plan` a string,
 * numbers, missing fields allowed) with the churn probability, preprocessing it exactly
 * as training did ({@link featurize}). Top level of a module: replica workers import it.
 */
import * as tf from '@tensorflow/tfjs';
import { BadRequestError, serve } from '@ray-ts/serve';
import { Checkpoint, useBackend } from '@ray-ts/train';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STATS_FILE } from './model.js';
import { featurize, type PreprocessingStats } from './preprocess.js';

/** Loads the model and the statistics saved in a checkpoint (TensorFlow.js on its cpu backend, as the trainers used). */
export async function loadFromCheckpoint(path: string): Promise<{ model: tf.LayersModel; stats: PreprocessingStats }> {
  await useBackend('cpu');
  const checkpoint = Checkpoint.fromDirectory(path);
  const model = (await checkpoint.loadModel()) as tf.LayersModel;
  const stats = JSON.parse(await readFile(join(await checkpoint.toDirectory(), STATS_FILE), 'utf8')) as PreprocessingStats;
  return { model, stats };
}

/** The answer to one record. */
export interface Prediction {
  churnProbability: number;
  churned: boolean;
  /** The features the model saw (standardised, one-hot). */
  features: number[];
}

/** Churn probability of one raw record with a loaded model. */
export function predict(model: tf.LayersModel, stats: PreprocessingStats, record: Record<string, unknown>): Prediction {
  const { x } = featurize(record, stats);
  const p = tf.tidy(() => (model.predict(tf.tensor2d([x])) as tf.Tensor).dataSync()[0]!);
  return { churnProbability: p, churned: p >= 0.5, features: x };
}

/** POST a raw record as JSON → {@link Prediction}. */
export const ChurnModel = serve.deployment(class ChurnModel {
  model!: tf.LayersModel;
  stats!: PreprocessingStats;
  constructor(readonly checkpointPath: string) {}
  async init() {
    ({ model: this.model, stats: this.stats } = await loadFromCheckpoint(this.checkpointPath));
  }
  async __call__(req: serve.Request): Promise<Prediction> {
    const record = await req.json<Record<string, unknown>>();
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new BadRequestError('the body must be one JSON object (a raw record)');
    try {
      return predict(this.model, this.stats, record);
    } catch (err) {
      throw new BadRequestError((err as Error).message); // HTTP 400
    }
  }
});
