/**
 * Runs the autoscaler inside the head node process (`ray-ts up`, or `ray-ts start --head
 * --autoscaling-config`): picks the provider, answers `requestResources` and adds the
 * autoscaler's report to `ray-ts status`.
 */
import { join } from 'node:path';
import type { NodeManager } from '../node/node-manager.js';
import type { PgRecord } from '../gcs/placement-groups.js';
import type { ResourceMap } from '../transport/protocol.js';
import type { ClusterConfig } from './cluster-config.js';
import type { NodeProvider } from './node-provider.js';
import { Autoscaler } from './autoscaler.js';
import { LocalNodeProvider } from './local-provider.js';
import { KubernetesNodeProvider } from './kubernetes-provider.js';

/** Head request type of `requestResources()`. */
export const REQUEST_RESOURCES = 'gcs.requestResources';

/** Directory of a local cluster's node dirs and state file. */
export function clusterDir(tempDir: string, clusterName: string): string {
  return join(tempDir, 'clusters', clusterName);
}

/** Makes the provider a config names (a factory: a new provider is a new file and a line here). */
export function createProvider(config: Readonly<ClusterConfig>, head: { address: string; token: string; tempDir: string }): NodeProvider {
  const p = config.provider;
  if (p.type === 'local') {
    return new LocalNodeProvider({
      clusterName: config.clusterName, clusterDir: clusterDir(head.tempDir, config.clusterName), headAddress: head.address, token: head.token,
      objectStoreMemory: p.objectStoreMemory,
    });
  }
  return new KubernetesNodeProvider({ ...p, clusterName: config.clusterName });
}

/** Starts the autoscaler in the head node `node`. */
export function startHeadAutoscaler(node: NodeManager, config: Readonly<ClusterConfig>, head: { token: string; tempDir: string }): Autoscaler {
  const gcs = node.gcs;
  if (!gcs || !node.tcpAddress) throw new Error('the autoscaler runs in a head node (ray-ts start --head)');
  const provider = createProvider(config, { ...head, address: node.tcpAddress });
  const scaler = new Autoscaler(config, provider, {
    nodes: () => [...gcs.nodes.values()],
    placementGroups: async () => ((await gcs.pgs.handle({ t: 'gcs.pgList' })).pgs ?? []) as PgRecord[],
    drainNode: (nodeId, why) => gcs.drainNode(nodeId, why),
  });
  gcs.handlers.set(REQUEST_RESOURCES, (_peer, m) => {
    scaler.setRequest((m.bundles ?? []) as ResourceMap[]);
    return { ok: true };
  });
  node.autoscalerReport = () => scaler.report();
  scaler.start();
  console.log(`[ray-ts] autoscaler: cluster '${config.clusterName}' with the ${provider.name} provider, node types ${Object.keys(config.availableNodeTypes).join(', ')}`);
  return scaler;
}
