/**
 * Node providers: how the autoscaler gets and gives back machines (Ray's `NodeProvider`).
 * Each launched node joins the head with the label {@link PROVIDER_ID_LABEL} set to its
 * provider id, which is how the autoscaler matches provider nodes to cluster nodes.
 */
import type { ResourceMap } from '../transport/protocol.js';

/** Node label carrying the provider's id of a launched node. */
export const PROVIDER_ID_LABEL = 'ray-ts.io/provider-node-id';
/** Node label carrying the node type of a launched node. */
export const NODE_TYPE_LABEL = 'ray-ts.io/node-type';

/** A node the provider has launched and not terminated. */
export interface ProviderNode {
  id: string;
  nodeType: string;
  /** Provider tags, e.g. `{ 'ray-ts.io/node-type': 'cpu2', 'ray-ts.io/cluster': 'demo' }`. */
  tags: Record<string, string>;
  /** ms since epoch when it was launched. */
  launchedAt: number;
}

/** What a new node needs to join. */
export interface LaunchSpec {
  nodeType: string;
  resources: ResourceMap;
  /** Labels the node joins with (its provider id is added by the provider). */
  labels: Record<string, string>;
}

/** A launch that failed after {@link NodeProvider.createNode} returned (the node never came up). */
export interface LaunchFailure {
  id: string;
  nodeType: string;
  /** Why, e.g. the end of the node's log. */
  reason: string;
}

/** Launches and terminates worker nodes. */
export interface NodeProvider {
  /** Name for status (`local`, `kubernetes`). */
  readonly name: string;
  /** Launches `count` nodes of a type; resolves with their ids (they join the head later). */
  createNode(spec: LaunchSpec, count: number): Promise<string[]>;
  /** Terminates a node (idempotent). */
  terminateNode(id: string): Promise<void>;
  /** Nodes launched and not terminated (including ones still starting). */
  nonTerminatedNodes(): Promise<ProviderNode[]>;
  /**
   * Launches that failed since the last call (each reported once). Optional: a provider
   * whose launches fail only by not joining relies on `launchTimeoutS` instead.
   */
  takeLaunchFailures?(): LaunchFailure[];
  /** Stops background work (does not terminate nodes). */
  close(): void;
}
