/**
 * The collective communication library of ray-ts Train (Ray's `ray.util.collective`):
 * allreduce, broadcast, allgather, reducescatter and barrier of typed arrays between the
 * actors (or tasks, or the driver) of a group.
 *
 * ```ts
 * import { collective as col } from '@ray-ts/train';
 * // in each of N actors (or: col.createCollectiveGroup(actors) from the driver):
 * await col.initCollectiveGroup(N, rank, 'grads');
 * await col.allreduce(grads, { op: 'mean', groupName: 'grads' }); // in place
 * ```
 * Allreduce is a ring (reduce-scatter then allgather) for more than two members and a
 * direct exchange for two. Messages pass through the group's rendezvous actor; large
 * ones as object refs, read zero-copy from shared memory on one node and pulled over TCP
 * between nodes.
 * @packageDocumentation
 */
export type { TypedArray, ReduceOp } from './types.js';
export type { AllreduceOptions, BroadcastOptions, CollectiveOpOptions, CollectiveGroupOptions } from './options.js';
export type { CreateCollectiveGroupOptions } from './group-management.js';
export type { Transport } from './transport.js';
export {
  initCollectiveGroup, createCollectiveGroup, destroyCollectiveGroup, getRank, getCollectiveGroupSize, isGroupInitialized,
} from './group-management.js';
export { allreduce, broadcast, allgather, reducescatter, barrier } from './collective-ops.js';
export { chunkBounds, allreduceWith, ringReduceScatter, ringAllgatherChunks, reducescatterWith, broadcastWith, allgatherWith, barrierWith } from './ring.js';
export { reduceInto } from './reduce.js';
export { collectiveConfig } from './config.js';
export {
  CollectiveError, CollectiveGroupError, CollectiveMismatchError, CollectiveMemberDiedError, CollectiveTimeoutError,
} from './errors.js';
