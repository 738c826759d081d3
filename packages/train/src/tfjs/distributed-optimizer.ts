/**
 * Data-parallel training for tfjs, the equivalent of Ray Train's `prepare_model` with
 * PyTorch DDP: every worker computes gradients on its shard of the batch, the gradients
 * are averaged across workers with one allreduce, and every worker applies the same
 * averaged gradients, so the replicas stay identical.
 */
import * as tf from '@tensorflow/tfjs';
import type { Communicator } from './communicator.js';
import { resolveDistributedOptions } from './distributed-options.js';
import type { DistributedOptions } from './distributed-options.js';
import { TfjsCollectiveMismatchError } from './errors.js';
import { flattenTensors, unflattenTensors } from './flatten.js';
import type { NamedTensorLike } from './flatten.js';

/** Options of `prepareOptimizer`. */
export type PrepareOptimizerOptions = DistributedOptions;

/**
 * Wraps a `tf.Optimizer` so each update uses gradients averaged over all workers. Await
 * every call before the next: collectives are matched across workers by call order.
 */
export class DistributedOptimizer {
  /** The wrapped optimizer, which owns the update rule and its state (moments, iterations). */
  readonly optimizer: tf.Optimizer;
  /** The collectives used to average gradients. */
  readonly communicator: Communicator;

  /** Prefer `prepareOptimizer()`, which validates its arguments and picks the session's communicator. */
  constructor(optimizer: tf.Optimizer, communicator: Communicator) {
    this.optimizer = optimizer;
    this.communicator = communicator;
  }

  /** Number of updates the wrapped optimizer has applied. */
  get iterations(): number {
    return this.optimizer.iterations;
  }

  /**
   * Like `tf.Optimizer.minimize`: runs `f`, computes the gradients of its scalar result with
   * respect to `varList` (default: all trainable variables), averages them across workers
   * and applies them. Resolves to this worker's cost when `returnCost` is true (the caller
   * then owns and must dispose it), else to null.
   */
  async minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): Promise<tf.Scalar | null> {
    const { value } = await this.#minimize(f, varList, false);
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /**
   * One data-parallel step: runs `f`, averages its gradients and its scalar loss across
   * workers in a single allreduce, applies the gradients and resolves to the loss averaged
   * over workers.
   */
  async step(f: () => tf.Scalar, varList?: tf.Variable[]): Promise<number> {
    const { value, loss } = await this.#minimize(f, varList, true);
    value.dispose();
    return loss;
  }

  /**
   * Averages `grads` across workers and applies them with the wrapped optimizer. The
   * caller keeps ownership of `grads`. Every worker must pass the same variables in the
   * same order (for a map: its key order).
   */
  async applyGradients(grads: tf.NamedTensorMap | readonly NamedTensorLike[]): Promise<void> {
    if (grads === null || typeof grads !== 'object') throw new TypeError('grads must be a NamedTensorMap or NamedTensor[]');
    let named: NamedTensorLike[];
    if (Array.isArray(grads)) {
      named = (grads as readonly NamedTensorLike[]).map(({ name, tensor }) => ({ name, tensor }));
    } else {
      const map = grads as tf.NamedTensorMap;
      named = Object.keys(map).map((name) => ({ name, tensor: map[name]! }));
    }
    await this.#averageAndApply(named, undefined);
  }

  /** Disposes the wrapped optimizer's state. */
  dispose(): void {
    this.optimizer.dispose();
  }

  async #minimize(f: () => tf.Scalar, varList: tf.Variable[] | undefined, averageLoss: boolean): Promise<{ value: tf.Scalar; loss: number }> {
    if (typeof f !== 'function') throw new TypeError('f must be a function returning a tf.Scalar');
    if (varList !== undefined && !Array.isArray(varList)) throw new TypeError('varList must be an array of tf.Variable');
    const { value, grads } = tf.variableGrads(f, varList);
    try {
      // Stable order: varList's order when given, else the order tfjs registered the variables in,
      // which is the same on every worker that builds the same model the same way.
      const names = varList !== undefined ? varList.map((v) => v.name).filter((n) => grads[n] !== undefined) : Object.keys(grads);
      const named = names.map((name) => ({ name, tensor: grads[name]! }));
      const loss = await this.#averageAndApply(named, averageLoss ? value : undefined);
      return { value, loss };
    } catch (err) {
      value.dispose();
      throw err;
    } finally {
      tf.dispose(grads);
    }
  }

  /** Averages `named` (and `loss`, riding in the same buffer) across workers, applies them and returns the averaged loss (NaN without loss). */
  async #averageAndApply(named: NamedTensorLike[], loss: tf.Scalar | undefined): Promise<number> {
    if (this.communicator.worldSize === 1) {
      this.optimizer.applyGradients(named.map(({ name, tensor }) => ({ name, tensor })));
      return loss === undefined ? Number.NaN : (await loss.data())[0]!;
    }
    const extra = loss === undefined ? 0 : 1;
    const { buffer, layout } = await flattenTensors(named, extra);
    if (loss !== undefined) buffer[layout.size] = (await loss.data())[0]!;
    const reduced = await this.communicator.allreduce(buffer, 'mean');
    if (reduced.length !== buffer.length) {
      throw new TfjsCollectiveMismatchError('allreduce', `sent ${buffer.length} elements, got ${reduced.length} back`);
    }
    const averaged = unflattenTensors(reduced, layout);
    try {
      this.optimizer.applyGradients(layout.entries.map(({ name }, i) => ({ name, tensor: averaged[i]! })));
    } finally {
      tf.dispose(averaged);
    }
    return loss === undefined ? Number.NaN : reduced[layout.size]!;
  }
}

/**
 * Wraps `optimizer` for data-parallel training (Ray Train's `prepare_model` for the update
 * side): its `minimize`/`step`/`applyGradients` average gradients across the workers of the
 * run before applying them. Outside a run, or with one worker, it behaves like `optimizer`.
 *
 * @throws TypeError if `optimizer` is not a `tf.Optimizer` or an option is invalid.
 */
export function prepareOptimizer(optimizer: tf.Optimizer, options?: PrepareOptimizerOptions): DistributedOptimizer {
  if ((optimizer as unknown) instanceof DistributedOptimizer) {
    throw new TypeError('optimizer is already a DistributedOptimizer; pass the tf.Optimizer it wraps');
  }
  if (!(optimizer instanceof tf.Optimizer)) throw new TypeError('optimizer must be a tf.Optimizer (e.g. tf.train.adam())');
  const { communicator } = resolveDistributedOptions(options);
  return new DistributedOptimizer(optimizer, communicator);
}
