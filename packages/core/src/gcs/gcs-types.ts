/**
 * Shapes of the head service's (GCS) tables as they travel between the head and nodes.
 */
import type { ActorSpec, ResourceMap } from '../transport/protocol.js';

/** A node as the head sees it. */
export interface NodeView {
  nodeId: string;
  /** `host:port` other nodes and drivers reach it at. */
  address: string;
  hostId: string;
  /** True for the node running inside the head process. */
  isHead: boolean;
  total: ResourceMap;
  available: ResourceMap;
  labels: Record<string, string>;
  state: 'ALIVE' | 'DEAD';
  /** Tasks queued on the node (its pending demand). */
  queued: number;
  /** Resource shapes waiting on the node, for status and the autoscaler. */
  demand: Array<{ resources: ResourceMap; count: number }>;
  /** What keeps the node busy (running tasks, actors, referenced objects), for the autoscaler. */
  usage?: import('../autoscaler/node-load.js').NodeUsage;
  startedAt: number;
  /** `host:port` of the node's HTTP endpoint (`/metrics`, `/api/v0/...`), when it serves one. */
  metricsAddress?: string;
  /** When the head last heard from it (ms since epoch). */
  lastSeen: number;
}

/** An actor as the head records it. */
export interface ActorEntry {
  actorId: string;
  /** Node it runs on (or is being placed on). */
  nodeId: string;
  name?: string;
  namespace: string;
  state: 'PENDING' | 'ALIVE' | 'RESTARTING' | 'DEAD';
  /** Creation spec (kept to restart it on another node). */
  spec: ActorSpec;
  restartsLeft: number;
  numRestarts: number;
  deathReason?: string;
}
