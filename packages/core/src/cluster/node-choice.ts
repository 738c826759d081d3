/**
 * Choosing a node: for a task this node spills, and for a label-constrained request.
 * Pure functions over the head's view of the nodes.
 */
import { config } from '../config.js';
import { fits } from '../node/resources.js';
import type { NodeView } from '../gcs/gcs-types.js';

/**
 * The node with the most free CPU that has room for `need` (or, with `anyWithTotal`, that
 * has the resources at all). What this node already sent to a node since the head's last
 * view (`inFlight`) counts against that node's free CPU.
 */
export function pickSpillTarget(nodes: NodeView[], need: Record<string, number>, anyWithTotal: boolean, inFlight: Map<string, number>): NodeView | undefined {
  let best: NodeView | undefined;
  let bestFree = -Infinity;
  for (const n of nodes) {
    if (!fits(need, n.total)) continue;
    const sent = inFlight.get(n.nodeId) ?? 0;
    const cpu = need.CPU ?? 0;
    const free = (n.available.CPU ?? 0) - (cpu > 0 ? sent * cpu : 0);
    const cap = cpu > 0 ? (n.total.CPU ?? 0) / cpu : Infinity;
    const roomy = fits(need, n.available) && (cpu === 0 || free >= cpu || sent < cap * config.maxTasksInFlightPerWorker);
    if (!roomy && !anyWithTotal) continue;
    if (free > bestFree) {
      best = n;
      bestFree = free;
    }
  }
  return best;
}

/**
 * The node for a label-constrained request: among nodes whose labels include all of
 * `hard`, those that also match `soft` first; `self` when it is one of them and has room
 * (`selfHasRoom`), else the one with the most free CPU. Undefined when no node matches `hard`.
 */
export function pickLabelled(
  nodes: NodeView[], hard: Record<string, string>, soft: Record<string, string>, need: Record<string, number>, self: string, selfHasRoom: boolean,
): string | undefined {
  const has = (n: NodeView, want: Record<string, string>) => Object.entries(want).every(([k, v]) => n.labels?.[k] === v);
  const matching = nodes.filter((n) => has(n, hard) && fits(need, n.total));
  if (!matching.length) return undefined;
  const preferred = matching.filter((n) => has(n, soft));
  const pool = preferred.length ? preferred : matching;
  if (selfHasRoom && pool.some((n) => n.nodeId === self)) return self;
  return [...pool].sort((a, b) => (b.available.CPU ?? 0) - (a.available.CPU ?? 0))[0]!.nodeId;
}
