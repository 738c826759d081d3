/**
 * Resource-map arithmetic for planning, with fractional amounts kept exact to 1/10000
 * (Ray's fixed-point unit), so `0.1 + 0.2` of a CPU fits in `0.3`.
 */
import type { ResourceMap } from '../transport/protocol.js';

const UNIT = 10_000;

function round(v: number): number {
  return Math.round(v * UNIT) / UNIT;
}

/** True when every positive amount of `need` is within `free`. */
export function fitsIn(need: ResourceMap, free: ResourceMap): boolean {
  for (const [k, v] of Object.entries(need)) if (v > 0 && Math.round(v * UNIT) > Math.round((free[k] ?? 0) * UNIT)) return false;
  return true;
}

/** `free - need` (in place). */
export function take(free: ResourceMap, need: ResourceMap): void {
  for (const [k, v] of Object.entries(need)) if (v > 0) free[k] = round((free[k] ?? 0) - v);
}

/** Sum of maps. */
export function sumOf(maps: ResourceMap[]): ResourceMap {
  const out: ResourceMap = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) if (v > 0) out[k] = round((out[k] ?? 0) + v);
  return out;
}

/** Only the positive entries, keys sorted: a stable key for grouping shapes. */
export function shapeKey(r: ResourceMap): string {
  return JSON.stringify(Object.fromEntries(Object.entries(r).filter(([, v]) => v > 0).sort(([a], [b]) => (a < b ? -1 : 1))));
}

/** Ordering for first-fit-decreasing: GPUs first (scarcest), then CPUs, then the rest. */
export function biggerFirst(a: ResourceMap, b: ResourceMap): number {
  const rest = (r: ResourceMap) => Object.entries(r).reduce((s, [k, v]) => (k === 'GPU' || k === 'CPU' ? s : s + v), 0);
  return (b.GPU ?? 0) - (a.GPU ?? 0) || (b.CPU ?? 0) - (a.CPU ?? 0) || rest(b) - rest(a);
}

/** Mean over the resources `total` offers of the share `used` takes (0..1). */
export function utilization(used: ResourceMap, total: ResourceMap): number {
  const keys = Object.keys(total).filter((k) => (total[k] ?? 0) > 0);
  if (!keys.length) return 0;
  return keys.reduce((s, k) => s + Math.min(1, (used[k] ?? 0) / total[k]!), 0) / keys.length;
}
