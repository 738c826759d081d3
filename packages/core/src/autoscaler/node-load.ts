/**
 * What a node tells the head with each heartbeat for the autoscaler: the resource shapes
 * waiting on it (queued tasks and actors it cannot place), and what keeps it busy
 * (running tasks, actors, placement-group bundles, objects still referenced).
 */
import type { ResourceMap } from '../transport/protocol.js';
import type { NodeManager } from '../node/node-manager.js';
import { shapeKey } from './resource-math.js';

/** What keeps a node from being removed. */
export interface NodeUsage {
  running: number;
  actors: number;
  /** Objects whose value is on this node and that someone still references. */
  objects: number;
}

/** The load part of a heartbeat. */
export interface NodeLoad {
  queued: number;
  demand: Array<{ resources: ResourceMap; count: number }>;
  usage: NodeUsage;
}

/** The load of `node` now. */
export function nodeLoad(node: NodeManager): NodeLoad {
  const p = node.scheduler.pending();
  const demand = new Map<string, { resources: ResourceMap; count: number }>();
  for (const d of p.demand.values()) demand.set(shapeKey(d.resources), { resources: d.resources, count: d.count });
  for (const r of node.actors.pendingShapes()) {
    const k = shapeKey(r);
    const d = demand.get(k) ?? { resources: r, count: 0 };
    d.count++;
    demand.set(k, d);
  }
  const a = node.actors.counts();
  return {
    queued: p.queued,
    demand: [...demand.values()],
    usage: { running: p.running, actors: a.alive + a.pending + a.restarting, objects: node.objects.referencedHere() },
  };
}

/** Why a node reported with `usage` and `total` is busy (empty: idle). */
export function busyReasons(usage: NodeUsage | undefined, total: ResourceMap, queued: number): string[] {
  if (!usage) return ['no load report yet'];
  const out: string[] = [];
  if (usage.running) out.push(`${usage.running} running task(s)`);
  if (queued) out.push(`${queued} queued task(s)`);
  if (usage.actors) out.push(`${usage.actors} actor(s)`);
  if (Object.keys(total).some((k) => k.startsWith('bundle_group_'))) out.push('placement-group bundles');
  if (usage.objects) out.push(`${usage.objects} referenced object(s)`);
  return out;
}
