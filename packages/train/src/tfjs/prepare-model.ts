/**
 * Starting every worker from the same weights, as Ray Train's `prepare_model` (DDP)
 * does: rank 0's weights are broadcast to all workers.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveDistributedOptions } from './distributed-options.js';
import type { DistributedOptions } from './distributed-options.js';
import { TfjsCollectiveMismatchError } from './errors.js';
import { flattenTensors, unflattenTensors } from './flatten.js';

/** Options of `prepareModel` and `syncWeights`. */
export interface SyncWeightsOptions extends DistributedOptions {
  /**
   * Rank whose weights every worker takes.
   * @default 0
   */
  readonly srcRank?: number;
}

function assertModel(model: unknown): asserts model is tf.LayersModel {
  if (!(model instanceof tf.LayersModel)) throw new TypeError('model must be a tf.LayersModel (e.g. tf.sequential())');
}

/**
 * Overwrites every weight of `model` (trainable or not, e.g. batch-norm statistics) with
 * rank `srcRank`'s, in one broadcast. A no-op with one worker. Every worker must call it
 * with a model of the same architecture.
 *
 * @throws TypeError/RangeError if `model` or an option is invalid.
 */
export async function syncWeights(model: tf.LayersModel, options?: SyncWeightsOptions): Promise<void> {
  assertModel(model);
  const { communicator } = resolveDistributedOptions(options);
  const srcRank = options?.srcRank ?? 0;
  if (!Number.isInteger(srcRank) || srcRank < 0 || srcRank >= communicator.worldSize) {
    throw new RangeError(`options.srcRank must be an integer in [0, ${communicator.worldSize})`);
  }
  if (communicator.worldSize === 1) return;
  // getWeights() returns the variables themselves: read, never dispose.
  const values = model.getWeights();
  const { buffer, layout } = await flattenTensors(model.weights.map((w, i) => ({ name: w.name, tensor: values[i]! })));
  const received = await communicator.broadcast(buffer, srcRank);
  if (received.length !== buffer.length) {
    throw new TfjsCollectiveMismatchError('broadcast', `sent ${buffer.length} elements, got ${received.length} back`);
  }
  const fresh = unflattenTensors(received, layout);
  try {
    model.setWeights(fresh);
  } finally {
    tf.dispose(fresh);
  }
}

/**
 * Prepares `model` for data-parallel training: broadcasts rank 0's weights so all workers
 * start identical, and resolves to the same model. Pair it with `prepareOptimizer`.
 *
 * @throws TypeError/RangeError if `model` or an option is invalid.
 */
export async function prepareModel<M extends tf.LayersModel>(model: M, options?: SyncWeightsOptions): Promise<M> {
  await syncWeights(model, options);
  return model;
}
