/**
 * The autoscaler's planner: a pure function from node types, current nodes and demand to
 * the nodes to launch. Demand is bin-packed first-fit-decreasing into the free room of
 * existing (and launching) nodes, then into new nodes of the type that takes the most of
 * what is left (GPU types only for GPU demand when a CPU type would do). Demand no node
 * type can ever hold is reported infeasible and never launched for.
 *
 * Placement groups: STRICT_SPREAD bundles each need their own node; STRICT_PACK bundles
 * are one shape (their sum) on one node; PACK and SPREAD bundles are packed like tasks
 * (as Ray's autoscaler does: the soft strategies do not change how many nodes are needed).
 *
 * Limits: `maxWorkers` per type and in all; `minWorkers` are launched first; launches for
 * demand are capped so that pending launches stay within `max(5, upscalingSpeed x running
 * workers)`; `requestResources` bundles (packed against node totals, not free room) and
 * `minWorkers` are not capped by the upscaling speed, as in Ray.
 */
import type { ResourceMap } from '../transport/protocol.js';
import type { NodeTypeConfig, Plan, PlannerInput, UnmetDemand } from './autoscaler-types.js';
import { biggerFirst, fitsIn, shapeKey, sumOf, take, utilization } from './resource-math.js';

/** Launches always allowed pending at once, whatever the upscaling speed (Ray's `upscaling_initial_num_nodes`). */
export const UPSCALING_INITIAL_NODES = 5;

interface Bin {
  id: string;
  nodeType?: string;
  free: ResourceMap;
  total: ResourceMap;
}

interface Item {
  resources: ResourceMap;
  kind: 'task' | 'bundle';
  why: string;
}

/** Plans which nodes to launch for `input` (see the module comment for the rules). */
export function planLaunches(input: PlannerInput): Plan {
  const types = input.nodeTypes;
  const names = Object.keys(types).sort();
  const count: Record<string, number> = Object.fromEntries(names.map((t) => [t, 0]));
  let workers = 0;
  for (const n of input.nodes) {
    if (n.nodeType === undefined) continue;
    count[n.nodeType] = (count[n.nodeType] ?? 0) + 1;
    workers++;
  }
  const globalMax = input.maxWorkers ?? Infinity;
  const launchingNow = input.launching ?? 0;
  let budget = Math.max(UPSCALING_INITIAL_NODES, Math.ceil((input.upscalingSpeed ?? 1) * Math.max(0, workers - launchingNow))) - launchingNow;
  const bins: Bin[] = input.nodes.map((n) => ({ id: n.id, nodeType: n.nodeType, free: { ...n.available }, total: { ...n.total } }));
  const launch: Record<string, number> = {};
  const reasons = new Map<string, { nodeType: string; count: number; reason: string }>();
  const unmet = new Map<string, UnmetDemand & { infeasible: boolean }>();
  let seq = 0;

  const hasRoom = (t: string) => count[t]! < types[t]!.maxWorkers && workers < globalMax;
  const typesFor = (r: ResourceMap) => names.filter((t) => fitsIn(r, types[t]!.resources));
  const feasible = (r: ResourceMap) => typesFor(r).length > 0 || input.nodes.some((n) => fitsIn(r, n.total));
  const note = (r: ResourceMap, n: number, kind: UnmetDemand['kind'], reason: string, infeasible: boolean) => {
    const k = `${kind}|${shapeKey(r)}|${reason}`;
    const u = unmet.get(k) ?? { resources: JSON.parse(shapeKey(r)) as ResourceMap, count: 0, kind, reason, infeasible };
    u.count += n;
    unmet.set(k, u);
  };
  const launchOne = (t: string, why: string, capped: boolean): Bin | undefined => {
    if (!hasRoom(t) || (capped && budget <= 0)) return undefined;
    if (capped) budget--;
    count[t]!++;
    workers++;
    launch[t] = (launch[t] ?? 0) + 1;
    const r = reasons.get(`${t}|${why}`) ?? { nodeType: t, count: 0, reason: why };
    r.count++;
    reasons.set(`${t}|${why}`, r);
    const bin: Bin = { id: `new-${t}-${seq++}`, nodeType: t, free: { ...types[t]!.resources }, total: { ...types[t]!.resources } };
    bins.push(bin);
    return bin;
  };
  /** Why a feasible shape gets no new node: which limit stops it. */
  const blocked = (r: ResourceMap): string => {
    const fit = typesFor(r);
    if (fit.length && fit.every((t) => count[t]! >= types[t]!.maxWorkers)) return `maxWorkers reached for ${fit.join(', ')}`;
    if (fit.length && workers >= globalMax) return `the cluster's maxWorkers (${globalMax}) is reached`;
    if (fit.length) return `upscalingSpeed caps pending launches`;
    return 'waiting for room on existing nodes';
  };

  // 1. minWorkers.
  for (const t of names) while (count[t]! < types[t]!.minWorkers && launchOne(t, `minWorkers ${types[t]!.minWorkers}`, false));

  // 2. requestResources: the cluster's total must hold the bundles.
  const request = [...(input.request ?? [])].sort(biggerFirst);
  if (request.length) {
    const totals = bins.map((b) => ({ ...b, free: { ...b.total } }));
    request.forEach((r, i) => {
      let bin = totals.find((b) => fitsIn(r, b.free));
      if (!bin) {
        if (!feasible(r)) return note(r, 1, 'request', 'no node type has these resources', true);
        const t = chooseType(typesFor(r).filter(hasRoom), request.slice(i), types);
        const added = t === undefined ? undefined : launchOne(t, 'requestResources', false);
        if (!added) return note(r, 1, 'request', blocked(r), false);
        bin = { ...added, free: { ...added.total } };
        totals.push(bin);
      }
      take(bin.free, r);
    });
  }

  // 3. Placement groups: STRICT_SPREAD and STRICT_PACK here; PACK and SPREAD bundles join the tasks.
  const items: Item[] = [];
  for (const pg of input.demand.placementGroups) {
    const why = `placement group ${pg.pgId} (${pg.strategy})`;
    if (pg.strategy === 'PACK' || pg.strategy === 'SPREAD') {
      for (const b of pg.bundles) items.push({ resources: b, kind: 'bundle', why });
      continue;
    }
    if (pg.strategy === 'STRICT_PACK') {
      items.push({ resources: sumOf(pg.bundles), kind: 'bundle', why });
      continue;
    }
    const bundles = [...pg.bundles].sort(biggerFirst);
    const bad = bundles.find((b) => !feasible(b));
    if (bad) {
      for (const b of bundles) note(b, 1, 'bundle', `${why}: a bundle fits no node type`, true);
      continue;
    }
    if (bundles.length > spreadSlots(bundles, bins, types, names, count, workers, globalMax)) {
      for (const b of bundles) note(b, 1, 'bundle', `${why}: needs ${bundles.length} distinct nodes, more than maxWorkers allow`, true);
      continue;
    }
    const used = new Set<string>();
    for (const [i, b] of bundles.entries()) {
      let bin = bins.find((x) => !used.has(x.id) && fitsIn(b, x.free));
      if (!bin) {
        const t = chooseType(typesFor(b).filter(hasRoom), [b], types); // one bundle per node
        bin = t === undefined ? undefined : launchOne(t, why, true);
      }
      if (!bin) {
        for (const rest of bundles.slice(i)) note(rest, 1, 'bundle', `${why}: ${blocked(rest)}`, false);
        break;
      }
      used.add(bin.id);
      take(bin.free, b);
    }
  }

  // 4. Task and actor shapes (and soft-strategy bundles), first-fit-decreasing.
  for (const s of input.demand.shapes) {
    if (Object.keys(s.resources).some((k) => k.includes('_group_'))) continue; // waits for its placement group, not for a node
    for (let i = 0; i < s.count; i++) items.push({ resources: s.resources, kind: 'task', why: `pending demand ${shapeKey(s.resources)}` });
  }
  items.sort((a, b) => biggerFirst(a.resources, b.resources));
  items.forEach((it, i) => {
    let bin = bins.find((b) => fitsIn(it.resources, b.free));
    if (!bin) {
      if (!feasible(it.resources)) return note(it.resources, 1, it.kind, 'no node type has these resources', true);
      const t = chooseType(typesFor(it.resources).filter(hasRoom), items.slice(i).map((x) => x.resources), types);
      bin = t === undefined ? undefined : launchOne(t, it.why, true);
      if (!bin) return note(it.resources, 1, it.kind, blocked(it.resources), false);
    }
    take(bin.free, it.resources);
  });

  const all = [...unmet.values()].map(({ infeasible, ...u }) => ({ u, infeasible }));
  return {
    launch,
    reasons: [...reasons.values()],
    infeasible: all.filter((x) => x.infeasible).map((x) => x.u),
    waiting: all.filter((x) => !x.infeasible).map((x) => x.u),
  };
}

/**
 * The type for a new node that takes the most of `rest` (in order, first fit); ties go
 * to the better-used node. A GPU type is chosen for demand without GPUs only when no
 * other type will do.
 */
export function chooseType(candidates: string[], rest: ResourceMap[], types: Readonly<Record<string, NodeTypeConfig>>): string | undefined {
  if (candidates.length <= 1) return candidates[0];
  const wantsGpu = (rest[0]?.GPU ?? 0) > 0;
  const scored = candidates.map((t) => {
    const total = types[t]!.resources;
    const free = { ...total };
    let placed = 0;
    for (const r of rest.slice(0, 2000)) {
      if (!fitsIn(r, free)) continue;
      take(free, r);
      placed++;
    }
    const used: ResourceMap = {};
    for (const [k, v] of Object.entries(total)) used[k] = v - (free[k] ?? 0);
    return { t, gpuWaste: !wantsGpu && (total.GPU ?? 0) > 0 ? 1 : 0, placed, util: utilization(used, total) };
  });
  scored.sort((a, b) => a.gpuWaste - b.gpuWaste || b.placed - a.placed || b.util - a.util || (a.t < b.t ? -1 : 1));
  return scored[0]!.t;
}

/** How many distinct nodes could ever hold one of `bundles` (existing ones, plus new ones up to the limits). */
function spreadSlots(
  bundles: ResourceMap[], bins: Bin[], types: Readonly<Record<string, NodeTypeConfig>>, names: string[],
  count: Record<string, number>, workers: number, globalMax: number,
): number {
  const smallest = bundles[bundles.length - 1]!;
  const existing = bins.filter((n) => fitsIn(smallest, n.total)).length;
  const fresh = names.filter((t) => fitsIn(smallest, types[t]!.resources)).reduce((s, t) => s + Math.max(0, types[t]!.maxWorkers - count[t]!), 0);
  return existing + Math.min(fresh, Math.max(0, globalMax - workers));
}
