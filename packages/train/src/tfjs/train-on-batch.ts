/**
 * One data-parallel training step on a batch shard, for loops written by hand instead of
 * with `model.fit`.
 */
import * as tf from '@tensorflow/tfjs';
import { DistributedOptimizer, prepareOptimizer } from './distributed-optimizer.js';

/** A loss: `(yTrue, yPred)` to a scalar, or to per-example losses that are averaged (e.g. `tf.losses.meanSquaredError`). */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Runs `model` on this worker's shard `xs`, computes `lossFn(ys, prediction)`, averages the
 * gradients across workers and applies them, and resolves to the loss averaged over workers
 * (gradients and loss travel in one allreduce). A plain `tf.Optimizer` is wrapped with the
 * session's communicator; to reuse state across steps pass the same optimizer every time.
 * With equal shard sizes and a mean loss this equals one step on the full global batch.
 *
 * @throws TypeError if an argument has the wrong type.
 */
export async function trainOnBatch(
  model: tf.LayersModel,
  optimizer: DistributedOptimizer | tf.Optimizer,
  xs: tf.Tensor | tf.Tensor[],
  ys: tf.Tensor,
  lossFn: LossFn,
): Promise<number> {
  if (!(model instanceof tf.LayersModel)) throw new TypeError('model must be a tf.LayersModel');
  if (!(xs instanceof tf.Tensor) && !(Array.isArray(xs) && xs.every((x) => x instanceof tf.Tensor))) {
    throw new TypeError('xs must be a tf.Tensor or an array of tf.Tensor');
  }
  if (!(ys instanceof tf.Tensor)) throw new TypeError('ys must be a tf.Tensor');
  if (typeof lossFn !== 'function') throw new TypeError('lossFn must be a function (yTrue, yPred) => tf.Tensor');
  const distributed = optimizer instanceof DistributedOptimizer ? optimizer : prepareOptimizer(optimizer);
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return distributed.step(() => {
    const prediction = model.apply(xs, { training: true }) as tf.Tensor;
    const loss = lossFn(ys, prediction);
    return (loss.rank === 0 ? loss : tf.mean(loss)) as tf.Scalar;
  }, varList);
}
