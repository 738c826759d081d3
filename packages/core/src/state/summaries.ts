/**
 * Summaries of state rows (Ray's `ray summary tasks|actors` and `ray memory`) and the
 * timeline: pure functions of the rows, shared by nodes (HTTP, socket answers) and tests.
 */
import type { ActorRow, ObjectRow, TaskRow, TaskStatus } from './state-types.js';

/** Tasks grouped by name. */
export interface TaskSummary {
  /** By task name (function or `Class.method`). */
  summary: Record<string, { name: string; type: TaskRow['type']; stateCounts: Partial<Record<TaskStatus, number>> }>;
  totalTasks: number;
  totalActorTasks: number;
}

/** Actors grouped by class. */
export interface ActorSummary {
  summary: Record<string, { className: string; stateCounts: Partial<Record<ActorRow['state'], number>> }>;
  totalActors: number;
}

/** Object store use (Ray's `ray memory`). */
export interface MemorySummary {
  totalBytes: number;
  numObjects: number;
  /** By node, then by what made the objects. */
  nodes: Record<string, { totalBytes: number; numObjects: number; byCallSite: Array<{ callSite: string; count: number; bytes: number; locations: Record<string, number> }> }>;
  /** The largest objects (at most 100). */
  largest: ObjectRow[];
}

/** Groups tasks by name and state. */
export function summarizeTaskRows(rows: TaskRow[]): TaskSummary {
  const out: TaskSummary = { summary: {}, totalTasks: 0, totalActorTasks: 0 };
  for (const r of rows) {
    const s = (out.summary[r.name] ??= { name: r.name, type: r.type, stateCounts: {} });
    s.stateCounts[r.state] = (s.stateCounts[r.state] ?? 0) + 1;
    if (r.type === 'ACTOR_TASK') out.totalActorTasks++;
    else out.totalTasks++;
  }
  return out;
}

/** Groups actors by class and state. */
export function summarizeActorRows(rows: ActorRow[]): ActorSummary {
  const out: ActorSummary = { summary: {}, totalActors: rows.length };
  for (const r of rows) {
    const s = (out.summary[r.className] ??= { className: r.className, stateCounts: {} });
    s.stateCounts[r.state] = (s.stateCounts[r.state] ?? 0) + 1;
  }
  return out;
}

/** Object store use by node and call site. */
export function summarizeObjectRows(rows: ObjectRow[]): MemorySummary {
  const out: MemorySummary = { totalBytes: 0, numObjects: rows.length, nodes: {}, largest: [...rows].sort((a, b) => b.objectSize - a.objectSize).slice(0, 100) };
  const sites = new Map<string, MemorySummary['nodes'][string]['byCallSite'][number]>();
  for (const r of rows) {
    out.totalBytes += r.objectSize;
    const n = (out.nodes[r.nodeId] ??= { totalBytes: 0, numObjects: 0, byCallSite: [] });
    n.totalBytes += r.objectSize;
    n.numObjects++;
    const key = `${r.nodeId}\u0000${r.callSite}`;
    let s = sites.get(key);
    if (!s) {
      s = { callSite: r.callSite, count: 0, bytes: 0, locations: {} };
      sites.set(key, s);
      n.byCallSite.push(s);
    }
    s.count++;
    s.bytes += r.objectSize;
    s.locations[r.location] = (s.locations[r.location] ?? 0) + 1;
  }
  for (const n of Object.values(out.nodes)) n.byCallSite.sort((a, b) => b.bytes - a.bytes);
  return out;
}

/** A Chrome trace event (the `chrome://tracing` / Perfetto JSON format). */
export interface TraceEvent {
  name: string;
  cat: string;
  ph: 'X';
  /** Node. */
  pid: string;
  /** Worker. */
  tid: string;
  /** Start, µs since the epoch. */
  ts: number;
  /** Duration, µs. */
  dur: number;
  args: Record<string, unknown>;
}

/** Tasks that ran, as a Chrome trace (`{ traceEvents }`): one complete event per task attempt that ended. */
export function chromeTrace(rows: TaskRow[]): { traceEvents: TraceEvent[]; displayTimeUnit: 'ms' } {
  const traceEvents: TraceEvent[] = [];
  for (const r of rows) {
    if (r.startTimeMs === undefined || r.endTimeMs === undefined) continue;
    traceEvents.push({
      name: r.name, cat: r.type === 'ACTOR_TASK' ? 'actor_task' : 'task', ph: 'X', pid: `node:${r.nodeId}`, tid: `worker:${r.workerPid ?? '?'}`,
      ts: Math.round(r.startTimeMs * 1000), dur: Math.max(0, Math.round((r.endTimeMs - r.startTimeMs) * 1000)),
      args: { taskId: r.taskId, state: r.state, attempt: r.attempt, ...(r.actorId ? { actorId: r.actorId } : {}), ...(r.errorType ? { errorType: r.errorType } : {}) },
    });
  }
  traceEvents.sort((a, b) => a.ts - b.ts);
  return { traceEvents, displayTimeUnit: 'ms' };
}
