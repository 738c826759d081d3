/**
 * Resource arithmetic for a node: totals, what is free, and GPU ids handed to
 * the workers that hold GPU shares (their CUDA_VISIBLE_DEVICES).
 */
import type { ResourceMap } from '../transport/protocol.js';

const EPS = 1e-9;

/** Whether `need` fits in `have`. */
export function fits(need: ResourceMap, have: ResourceMap): boolean {
  for (const [k, v] of Object.entries(need)) {
    if (v > 0 && (have[k] ?? 0) + EPS < v) return false;
  }
  return true;
}

/** A grant of resources to a lease, with the GPU ids it got. */
export interface Grant {
  resources: ResourceMap;
  gpuIds: number[];
}

/** Free and total resources of one node. */
export class NodeResources {
  readonly total: ResourceMap;
  private readonly free: ResourceMap;
  /** Free fraction of each GPU id. */
  private readonly gpuFree: number[];

  constructor(total: ResourceMap) {
    this.total = { ...total };
    this.free = { ...total };
    this.gpuFree = Array.from({ length: Math.floor(total.GPU ?? 0) }, () => 1);
  }

  /** Adds resources to the node (a placement-group bundle reserved here). */
  add(extra: ResourceMap): void {
    for (const [k, v] of Object.entries(extra)) {
      this.total[k] = (this.total[k] ?? 0) + v;
      this.free[k] = (this.free[k] ?? 0) + v;
    }
  }

  /** Takes resources added with {@link NodeResources.add} away again. */
  remove(extra: ResourceMap): void {
    for (const [k, v] of Object.entries(extra)) {
      this.total[k] = (this.total[k] ?? 0) - v;
      this.free[k] = (this.free[k] ?? 0) - v;
      if (this.total[k]! <= EPS) {
        delete this.total[k];
        delete this.free[k];
      }
    }
  }

  /** Whether the request could ever fit on this node. */
  feasible(need: ResourceMap): boolean {
    return fits(need, this.total);
  }

  /** Whether it fits now. */
  canAcquire(need: ResourceMap): boolean {
    return fits(need, this.free) && this.gpuPlan(need.GPU ?? 0) !== undefined;
  }

  /** Takes the resources (caller checked canAcquire); `force` allows going below zero (a blocked worker resuming). */
  acquire(need: ResourceMap, force = false): Grant {
    const gpuIds = force ? [] : (this.gpuPlan(need.GPU ?? 0) ?? []);
    const g = need.GPU ?? 0;
    if (g > 0 && gpuIds.length) {
      if (g < 1) this.gpuFree[gpuIds[0]!]! -= g;
      else for (const id of gpuIds) this.gpuFree[id] = 0;
    }
    for (const [k, v] of Object.entries(need)) this.free[k] = (this.free[k] ?? 0) - v;
    return { resources: { ...need }, gpuIds };
  }

  /** Gives a grant back. */
  release(grant: Grant): void {
    for (const [k, v] of Object.entries(grant.resources)) this.free[k] = Math.min(this.total[k] ?? 0, (this.free[k] ?? 0) + v);
    const g = grant.resources.GPU ?? 0;
    if (g > 0) {
      if (g < 1 && grant.gpuIds.length) this.gpuFree[grant.gpuIds[0]!] = Math.min(1, this.gpuFree[grant.gpuIds[0]!]! + g);
      else for (const id of grant.gpuIds) this.gpuFree[id] = 1;
    }
  }

  /** Gives back only the plain amounts (a worker blocked in get lends its CPU out). */
  lend(resources: ResourceMap): void {
    for (const [k, v] of Object.entries(resources)) this.free[k] = (this.free[k] ?? 0) + v;
  }

  /** Takes back lent amounts, even if that overcommits for a while. */
  reclaim(resources: ResourceMap): void {
    for (const [k, v] of Object.entries(resources)) this.free[k] = (this.free[k] ?? 0) - v;
  }

  /** What is free now (never negative in the report). */
  available(): ResourceMap {
    const out: ResourceMap = {};
    for (const [k, v] of Object.entries(this.free)) out[k] = Math.max(0, Math.round(v * 1e6) / 1e6);
    return out;
  }

  private gpuPlan(g: number): number[] | undefined {
    if (g <= 0 || this.gpuFree.length === 0) return g <= 0 ? [] : undefined;
    if (g < 1) {
      // Pack fractional requests onto the fullest GPU that still fits.
      let best = -1;
      for (let i = 0; i < this.gpuFree.length; i++) {
        const f = this.gpuFree[i]!;
        if (f + EPS >= g && (best < 0 || f < this.gpuFree[best]!)) best = i;
      }
      return best < 0 ? undefined : [best];
    }
    const whole = this.gpuFree.map((f, i) => (f >= 1 - EPS ? i : -1)).filter((i) => i >= 0);
    return whole.length >= Math.ceil(g) ? whole.slice(0, Math.ceil(g)) : undefined;
  }
}
