/**
 * Where the bundles of a placement group go, given the nodes' free resources: Ray's
 * PACK, SPREAD, STRICT_PACK and STRICT_SPREAD strategies. A pure function, so the
 * rules are tested on their own.
 */
import type { ResourceMap } from '../transport/protocol.js';
import { fits } from '../node/resources.js';

/** How a placement group's bundles are spread over nodes. */
export type PlacementStrategy = 'PACK' | 'SPREAD' | 'STRICT_PACK' | 'STRICT_SPREAD';

/** A node as the placement sees it. */
export interface PlacementNode {
  nodeId: string;
  available: ResourceMap;
}

function sub(a: ResourceMap, b: ResourceMap): ResourceMap {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) - v;
  return out;
}

function sum(bundles: ResourceMap[]): ResourceMap {
  const out: ResourceMap = {};
  for (const b of bundles) for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Node id per bundle (in bundle order), or undefined when the group does not fit now. */
export function placeBundles(bundles: ResourceMap[], strategy: PlacementStrategy, nodes: PlacementNode[]): string[] | undefined {
  const free = new Map(nodes.map((n) => [n.nodeId, { ...n.available }]));
  const byRoom = () => [...free.entries()].sort((a, b) => (b[1].CPU ?? 0) - (a[1].CPU ?? 0));
  if (strategy === 'STRICT_PACK' || strategy === 'PACK') {
    const total = sum(bundles);
    const one = byRoom().find(([, f]) => fits(total, f));
    if (one) return bundles.map(() => one[0]);
    if (strategy === 'STRICT_PACK') return undefined;
  }
  const out: string[] = new Array(bundles.length);
  const used = new Set<string>();
  // Largest bundles first: they are the hardest to place.
  const order = bundles.map((b, i) => i).sort((a, b) => (bundles[b]!.CPU ?? 0) - (bundles[a]!.CPU ?? 0));
  for (const i of order) {
    const need = bundles[i]!;
    const candidates = byRoom().filter(([, f]) => fits(need, f));
    let pick: [string, ResourceMap] | undefined;
    if (strategy === 'PACK') pick = candidates.find(([id]) => used.has(id)) ?? candidates[0];
    else if (strategy === 'SPREAD') pick = candidates.find(([id]) => !used.has(id)) ?? candidates[0];
    else pick = candidates.find(([id]) => !used.has(id)); // STRICT_SPREAD
    if (!pick) return undefined;
    out[i] = pick[0];
    used.add(pick[0]);
    free.set(pick[0], sub(pick[1], need));
  }
  return out;
}

/** Name of the resource a bundle adds to its node for `resource` (`CPU_group_<i>_<pg>`, or any bundle: `CPU_group_<pg>`). */
export function bundleResourceName(resource: string, pgId: string, index?: number): string {
  return index === undefined || index < 0 ? `${resource}_group_${pgId}` : `${resource}_group_${index}_${pgId}`;
}

/** Amount of the marker resource every bundle carries (tasks with no resources ask 1/1000 of it). */
export const BUNDLE_MARKER = 1000;

/** The resources a bundle adds to its node. */
export function bundleResources(pgId: string, index: number, bundle: ResourceMap): ResourceMap {
  const out: ResourceMap = { [bundleResourceName('bundle', pgId)]: BUNDLE_MARKER, [bundleResourceName('bundle', pgId, index)]: BUNDLE_MARKER };
  for (const [k, v] of Object.entries(bundle)) {
    if (v <= 0) continue;
    out[bundleResourceName(k, pgId)] = (out[bundleResourceName(k, pgId)] ?? 0) + v;
    out[bundleResourceName(k, pgId, index)] = v;
  }
  return out;
}

/** A task's or actor's request rewritten to use a placement group's bundle (any bundle when index is -1). */
export function pgRequest(resources: ResourceMap, pgId: string, index: number): ResourceMap {
  const out: ResourceMap = { [bundleResourceName('bundle', pgId, index)]: 1 / BUNDLE_MARKER };
  for (const [k, v] of Object.entries(resources)) if (v > 0) out[bundleResourceName(k, pgId, index)] = v;
  return out;
}
