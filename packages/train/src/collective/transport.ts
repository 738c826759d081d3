/**
 * The interface the collective algorithms talk through: point-to-point messages between
 * ranks, each identified by (source, destination, tag). The algorithms are pure over it,
 * so that they can be tested in one process with a fake (see `collective-ring.test.ts`).
 */
import type { TypedArray } from './types.js';

/** Point-to-point messaging between the ranks of one collective operation. */
export interface Transport {
  /** This process's rank. */
  readonly rank: number;
  /** Number of ranks. */
  readonly size: number;
  /**
   * Sends `data` to rank `dst` under `tag`. The data must not be changed until the returned
   * promise resolves (it may be read later by the transport).
   */
  send(dst: number, tag: string, data: TypedArray): Promise<void>;
  /**
   * Receives the message rank `src` sent under `tag`. The result may be a read-only view
   * (e.g. into shared memory): read it, do not keep it.
   */
  recv(src: number, tag: string): Promise<TypedArray>;
}
