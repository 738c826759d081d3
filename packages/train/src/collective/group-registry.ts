/**
 * The collective groups this process is a member of (Ray's GroupManager): rank, size,
 * the rendezvous actor's handle, the operation counter, and the heartbeat timer.
 */
import * as ray from '@ray-ts/core';
import type { CollectiveRendezvous } from './rendezvous-actor.js';

/** One group this process belongs to. */
export interface GroupMembership {
  readonly groupName: string;
  readonly rank: number;
  readonly worldSize: number;
  readonly rendezvous: ray.ActorHandle<CollectiveRendezvous>;
  /** Sequence number of the next collective operation (the same on every rank). */
  seq: number;
  readonly heartbeat: NodeJS.Timeout;
}

const groups = new Map<string, GroupMembership>();

/** The membership of `groupName` in this process, if any. */
export function findGroup(groupName: string): GroupMembership | undefined {
  return groups.get(groupName);
}

/** Records a membership and starts its heartbeat. */
export function addGroup(
  groupName: string, rank: number, worldSize: number, rendezvous: ray.ActorHandle<CollectiveRendezvous>, heartbeatMs: number,
): GroupMembership {
  const heartbeat = setInterval(() => {
    try {
      rendezvous.heartbeat.remote(rank).release();
    } catch {
      /* ray-ts shut down: the next operation reports it */
    }
  }, heartbeatMs);
  heartbeat.unref();
  const m: GroupMembership = { groupName, rank, worldSize, rendezvous, seq: 0, heartbeat };
  groups.set(groupName, m);
  return m;
}

/** Forgets a membership and stops its heartbeat. */
export function removeGroup(groupName: string): GroupMembership | undefined {
  const m = groups.get(groupName);
  if (!m) return undefined;
  clearInterval(m.heartbeat);
  groups.delete(groupName);
  return m;
}
