/**
 * The collective operations the tfjs integration needs, behind a small interface so the
 * math can be tested with an in-process fake and the real transport can change. The
 * default communicator comes from the current training session and the collective module
 * (`../collective/index.js`), imported lazily on first use; with no session or one worker
 * it is the identity.
 */
import { currentSession } from '../session/current.js';
import type { SessionInfo } from '../session/current.js';

/** Reduction ops the integration uses. */
export type ReduceOp = 'mean' | 'sum';

/** Collectives among the workers of a run, on float32 buffers, in place. */
export interface Communicator {
  /** Number of workers taking part. */
  readonly worldSize: number;
  /** Rank of this worker, in `[0, worldSize)`. */
  readonly rank: number;
  /** Reduces `buf` element-wise across workers, writes the result into `buf` and resolves to it. */
  allreduce(buf: Float32Array, op: ReduceOp): Promise<Float32Array>;
  /** Copies rank `srcRank`'s `buf` into every worker's `buf` and resolves to it. */
  broadcast(buf: Float32Array, srcRank: number): Promise<Float32Array>;
}

/** A communicator for a single worker: every collective returns its input unchanged. */
export const identityCommunicator: Communicator = Object.freeze({
  worldSize: 1,
  rank: 0,
  allreduce: async (buf: Float32Array) => buf,
  broadcast: async (buf: Float32Array) => buf,
});

/** The part of the collective module the integration calls (see `../collective/index.ts`). */
interface CollectiveModule {
  allreduce(tensor: Float32Array, options?: { op?: ReduceOp; groupName?: string }): Promise<Float32Array>;
  broadcast(tensor: Float32Array, options: { srcRank: number; groupName?: string }): Promise<Float32Array>;
}

/** Kept in a variable so TypeScript does not need the module at compile time (it is written separately). */
const COLLECTIVE_MODULE = '../collective/index.js';

let collectiveModule: Promise<CollectiveModule> | undefined;

function loadCollective(): Promise<CollectiveModule> {
  collectiveModule ??= (import(COLLECTIVE_MODULE) as Promise<CollectiveModule>).catch((err: unknown) => {
    collectiveModule = undefined;
    throw err;
  });
  return collectiveModule;
}

/** Collectives over the session's collective group, through the collective module. */
class SessionCommunicator implements Communicator {
  readonly worldSize: number;
  readonly rank: number;
  readonly #groupName: string | undefined;
  constructor(session: SessionInfo) {
    this.worldSize = session.worldSize;
    this.rank = session.worldRank;
    this.#groupName = session.collectiveGroup;
  }
  async allreduce(buf: Float32Array, op: ReduceOp): Promise<Float32Array> {
    const collective = await loadCollective();
    return collective.allreduce(buf, { op, groupName: this.#groupName });
  }
  async broadcast(buf: Float32Array, srcRank: number): Promise<Float32Array> {
    const collective = await loadCollective();
    return collective.broadcast(buf, { srcRank, groupName: this.#groupName });
  }
}

/**
 * The communicator of the current training session: the collective group of the run, or
 * `identityCommunicator` outside a run or with one worker. Reads the session when called.
 */
export function sessionCommunicator(): Communicator {
  const session = currentSession();
  if (session === undefined || session.worldSize <= 1) return identityCommunicator;
  return new SessionCommunicator(session);
}

/** Throws a TypeError naming `field` unless `value` looks like a `Communicator`. */
export function assertCommunicator(value: unknown, field: string): asserts value is Communicator {
  const c = value as Partial<Communicator> | null;
  if (c === null || typeof c !== 'object') throw new TypeError(`${field} must be a Communicator`);
  if (!Number.isInteger(c.worldSize) || (c.worldSize as number) < 1) {
    throw new TypeError(`${field}.worldSize must be a positive integer`);
  }
  if (!Number.isInteger(c.rank) || (c.rank as number) < 0 || (c.rank as number) >= (c.worldSize as number)) {
    throw new RangeError(`${field}.rank must be an integer in [0, worldSize)`);
  }
  if (typeof c.allreduce !== 'function' || typeof c.broadcast !== 'function') {
    throw new TypeError(`${field} must have allreduce() and broadcast() methods`);
  }
}
