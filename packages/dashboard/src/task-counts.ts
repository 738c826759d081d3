/** Task counts for the page, from the tasks summary and rows. Pure functions. */
import { TASK_STATES, type TaskRow, type TaskState, type TaskSummary } from './api-types.js';

/** Tasks by state across all names. */
export function countsByState(s: TaskSummary | undefined): Record<TaskState, number> {
  const out = Object.fromEntries(TASK_STATES.map((k) => [k, 0])) as Record<TaskState, number>;
  for (const g of Object.values(s?.summary ?? {})) for (const [k, n] of Object.entries(g.stateCounts)) out[k as TaskState] += n ?? 0;
  return out;
}

/** One row of the by-function table. */
export interface FunctionCounts {
  name: string;
  type: TaskRow['type'];
  counts: Partial<Record<TaskState, number>>;
  total: number;
}

/** Names with their state counts, the most tasks first. */
export function countsByFunction(s: TaskSummary | undefined): FunctionCounts[] {
  return Object.values(s?.summary ?? {})
    .map((g) => ({ name: g.name, type: g.type, counts: g.stateCounts, total: Object.values(g.stateCounts).reduce((a, n) => a + (n ?? 0), 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}

/** The newest tasks first (by start time, else creation time), at most `n`. */
export function recentTasks(rows: readonly TaskRow[], n: number): TaskRow[] {
  const t = (r: TaskRow) => r.startTimeMs ?? r.creationTimeMs ?? 0;
  return [...rows].sort((a, b) => t(b) - t(a)).slice(0, n);
}
