/**
 * The training session of this process: set by the train worker actor while it runs the
 * user's training loop, read by report(), getContext() and the framework integrations
 * (which need the collective group the workers of the run share).
 */

/** What integrations may read from the session of this process. */
export interface SessionInfo {
  /** Rank of this worker among all workers of the run. */
  readonly worldRank: number;
  /** Number of workers of the run. */
  readonly worldSize: number;
  /** Rank of this worker among the workers on its node. */
  readonly localRank: number;
  /** Workers of the run on this worker's node. */
  readonly localWorldSize: number;
  /** Rank of this worker's node among the nodes of the run. */
  readonly nodeRank: number;
  /** The collective group the workers share (for allreduce), or undefined with one worker. */
  readonly collectiveGroup: string | undefined;
  /** GPU ids the core assigned to this worker (empty on CPU). */
  readonly gpuIds: readonly number[];
}

let current: SessionInfo | undefined;

/** @internal Sets (or clears) the session of this process. */
export function setCurrentSession(info: SessionInfo | undefined): void {
  current = info;
}

/** The session of this process, or undefined outside a training loop. */
export function currentSession(): SessionInfo | undefined {
  return current;
}

/** The collective group of the current run, or undefined outside a run or with one worker. */
export function currentCollectiveGroup(): string | undefined {
  return current?.collectiveGroup;
}
