/** How the dashboard prints numbers, times, ids and resources. Pure functions. */
import type { ResourceMap } from './api-types.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

/** Milliseconds as `850 ms`, `12.3 s`, `4m 05s`, `2h 03m`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** How long ago `ts` (ms since the epoch) was, from `now`. */
export function formatAgo(ts: number | undefined, now: number): string {
  if (ts === undefined) return '–';
  return `${formatDuration(Math.max(0, now - ts))} ago`;
}

/** How long a task ran: until it ended, or until `now` while it runs (a live task's start is its RUNNING event). */
export function taskDuration(t: { state?: string; startTimeMs?: number; endTimeMs?: number; events?: Array<{ state: string; ts: number }> }, now: number): number | undefined {
  const start = t.startTimeMs ?? t.events?.findLast((e) => e.state === 'RUNNING')?.ts;
  if (start === undefined) return undefined;
  return (t.endTimeMs ?? (t.state === 'RUNNING' ? now : start)) - start;
}

/**
 * An id cut for a table cell: its first 4 and last 6 characters. Ids are
 * `<process prefix><kind><counter>`, so ids made by one process share their start and
 * differ at the end. Cells show the whole id as a tooltip.
 */
export function shortId(id: string | undefined): string {
  if (!id) return '–';
  return id.length > 12 ? `${id.slice(0, 4)}…${id.slice(-6)}` : id;
}

/** Resource amounts as `CPU 1, GPU 1, memory 2.0 GiB` (memory-like amounts in bytes). */
export function formatResources(r: ResourceMap | undefined): string {
  if (!r) return '–';
  const parts = Object.entries(r)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${isBytes(k) ? formatBytes(v) : round(v)}`);
  return parts.length ? parts.join(', ') : '–';
}

/** True for resources measured in bytes. */
export function isBytes(name: string): boolean {
  return name === 'memory' || name === 'objectStoreMemory' || name === 'object_store_memory';
}

/** Used and total of one resource of a node, with its share (0..1). */
export function usage(total: ResourceMap, available: ResourceMap, name: string): { used: number; total: number; share: number } {
  const t = total[name] ?? 0;
  const used = Math.max(0, t - (available[name] ?? t));
  return { used, total: t, share: t > 0 ? Math.min(1, used / t) : 0 };
}

/** `used / total` in the resource's unit. */
export function formatUsage(name: string, u: { used: number; total: number }): string {
  return isBytes(name) ? `${formatBytes(u.used)} / ${formatBytes(u.total)}` : `${round(u.used)} / ${round(u.total)}`;
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, '');
}

/** Sum of the resources of several nodes. */
export function sumResources(maps: ResourceMap[]): ResourceMap {
  const out: ResourceMap = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
}
