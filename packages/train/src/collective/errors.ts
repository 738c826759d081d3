/**
 * Typed errors of the collective library. Each extends core's `RayError`, has a stable
 * `code`, and is registered with core so that it keeps its class when it crosses processes
 * (the rendezvous actor throws them; the members rethrow them unwrapped).
 */
import * as ray from '@ray-ts/core';

/** Root of the collective errors. */
export class CollectiveError extends ray.RayError {
  override readonly code: string = 'COLLECTIVE_ERROR';
  /** The collective group concerned. */
  readonly groupName: string;
  constructor(groupName: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.groupName = groupName;
  }
}

/** The group is not initialized in this process, was destroyed, or its membership is invalid. */
export class CollectiveGroupError extends CollectiveError {
  override readonly code = 'COLLECTIVE_GROUP';
}

/** Ranks called the same collective operation with different lengths, dtypes, ops or kinds. */
export class CollectiveMismatchError extends CollectiveError {
  override readonly code = 'COLLECTIVE_MISMATCH';
  /** Sequence number of the operation within the group. */
  readonly seq: number;
  constructor(groupName: string, seq: number, mine: string, theirs: string, theirRank: number) {
    super(
      groupName,
      `Collective operation #${seq} of group '${groupName}' does not match across ranks: ` +
        `one rank called ${mine}, rank ${theirRank} called ${theirs}. ` +
        'Every rank must call the same operations in the same order, with tensors of the same length and dtype.',
    );
    this.seq = seq;
  }
}

/** A member of the group died (or stopped answering) while the group was in use. */
export class CollectiveMemberDiedError extends CollectiveError {
  override readonly code = 'COLLECTIVE_MEMBER_DIED';
  /** Rank of the member that died. */
  readonly rank: number;
  constructor(groupName: string, rank: number, silentMs: number) {
    super(
      groupName,
      `Rank ${rank} of collective group '${groupName}' died (not heard from for ${silentMs} ms). ` +
        'The group cannot be used any more: destroy it and create a new one with the surviving (or restarted) members.',
    );
    this.rank = rank;
  }
}

/** A collective operation did not complete within its `timeoutMs`. */
export class CollectiveTimeoutError extends CollectiveError {
  override readonly code = 'COLLECTIVE_TIMEOUT';
  /** The timeout that passed. */
  readonly timeoutMs: number;
  constructor(groupName: string, what: string, timeoutMs: number) {
    super(
      groupName,
      `${what} on collective group '${groupName}' did not complete within ${timeoutMs} ms. ` +
        'Check that every rank calls it, or raise options.timeoutMs.',
    );
    this.timeoutMs = timeoutMs;
  }
}

for (const cls of [CollectiveError, CollectiveGroupError, CollectiveMismatchError, CollectiveMemberDiedError, CollectiveTimeoutError]) {
  ray.registerErrorClass(cls as unknown as new (...args: never[]) => Error);
}
