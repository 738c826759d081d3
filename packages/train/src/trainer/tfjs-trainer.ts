/**
 * TfjsTrainer: a DataParallelTrainer whose workers set up TensorFlow.js before the loop
 * (the backend: tfjs-node-gpu with the worker's GPUs when installed, else wasm, else
 * cpu). In the loop, `prepareOptimizer` averages gradients across workers.
 */
import type { DataParallelTrainerOptions } from '../config/trainer-options.js';
import { DataParallelTrainer, type TrainLoop } from './data-parallel-trainer.js';

/** TensorFlow.js settings of the workers. */
export interface TfjsConfig {
  /** 'auto', 'tensorflow' (tfjs-node or tfjs-node-gpu), 'wasm', 'cpu', or a registered backend. @default 'auto' */
  backend?: string;
}

/** Options of {@link TfjsTrainer}. */
export interface TfjsTrainerOptions<C> extends DataParallelTrainerOptions<C> {
  /** TensorFlow.js settings. */
  tfjsConfig?: TfjsConfig;
}

/** Trains a TensorFlow.js model data-parallel. */
export class TfjsTrainer<C = Record<string, unknown>> extends DataParallelTrainer<C> {
  constructor(trainLoopPerWorker: TrainLoop<C>, options: TfjsTrainerOptions<C> = {}) {
    const { tfjsConfig, ...rest } = options;
    if (tfjsConfig !== undefined && (tfjsConfig === null || typeof tfjsConfig !== 'object')) throw new TypeError('tfjsConfig must be an object');
    if (tfjsConfig?.backend !== undefined && typeof tfjsConfig.backend !== 'string') throw new TypeError('tfjsConfig.backend must be a string');
    super(trainLoopPerWorker, rest);
    this.framework = { name: 'tfjs', options: { backend: tfjsConfig?.backend ?? 'auto' } };
  }
}
