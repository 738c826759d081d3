/**
 * Options shared by the data-parallel helpers, resolved once at the boundary into a frozen,
 * complete object.
 */
import { assertCommunicator, sessionCommunicator } from './communicator.js';
import type { Communicator } from './communicator.js';

/** Options of `prepareOptimizer`, `prepareModel` and `syncWeights`. */
export interface DistributedOptions {
  /**
   * Collectives among the workers. Tests pass fakes from `createInProcessCommunicators`.
   * @default the current session's collective group (`sessionCommunicator()`), which is the
   * identity outside a training run or with one worker
   */
  readonly communicator?: Communicator;
}

/** `DistributedOptions` with every field set. */
export interface ResolvedDistributedOptions {
  readonly communicator: Communicator;
}

/** Validates `options` (errors name the field) and fills in defaults. */
export function resolveDistributedOptions(options: DistributedOptions | undefined): ResolvedDistributedOptions {
  if (options === undefined) return Object.freeze({ communicator: sessionCommunicator() });
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  if (options.communicator === undefined) return Object.freeze({ communicator: sessionCommunicator() });
  assertCommunicator(options.communicator, 'options.communicator');
  return Object.freeze({ communicator: options.communicator });
}
