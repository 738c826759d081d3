/**
 * A node's task events buffer (Ray's task events): every task submitted here, its
 * state changes with timestamps, the worker that ran it and how it ended. Live tasks
 * are read from their scheduler record; finished tasks are kept up to
 * `config.taskEventsMaxFinished` per node, oldest dropped first (bounded memory).
 */
import type { TaskSpec } from '../transport/protocol.js';
import { config } from '../config.js';
import type { TaskRow, TaskStatus } from './state-types.js';

/** What the buffer reads of a live task record (the scheduler's TaskRecord). */
export interface LiveTask {
  spec: TaskSpec;
  state: 'waitingDeps' | 'queued' | 'running' | 'finished';
  attempt: number;
  worker?: { id: string; pid: number };
}

interface Entry {
  row: TaskRow;
  live?: LiveTask;
}

/** How a worker reported the end of an attempt. */
export interface DoneReport {
  workerId: string;
  pid: number;
  /** Wall-clock start of the attempt (ms since epoch), when the worker sent it. */
  startMs?: number;
  /** Duration of the attempt in µs. */
  us?: number;
  errorName?: string;
}

function liveStatus(t: LiveTask): TaskStatus {
  if (t.state === 'running') return 'RUNNING';
  if (t.state === 'queued') return 'PENDING_NODE_ASSIGNMENT';
  return 'PENDING_ARGS_AVAIL';
}

/** Task events of one node. */
export class TaskEventBuffer {
  private readonly live = new Map<string, Entry>();
  private readonly finished = new Map<string, Entry>();
  /** Finished tasks dropped to stay within the bound. */
  dropped = 0;

  constructor(readonly nodeId: string, private readonly maxFinished = config.taskEventsMaxFinished, private readonly now: () => number = Date.now) {}

  /** A task was submitted to this node. */
  submitted(task: LiveTask): void {
    const { spec } = task;
    const ts = this.now();
    const row: TaskRow = {
      taskId: spec.taskId, name: spec.name, state: 'PENDING_ARGS_AVAIL', type: spec.actorId ? 'ACTOR_TASK' : 'NORMAL_TASK',
      funcOrClassName: spec.actorId ? spec.name.split('.')[0]! : (spec.fn?.name ?? spec.name), actorId: spec.actorId, nodeId: this.nodeId,
      parentTaskId: spec.parentTaskId, attempt: 0, requiredResources: spec.resources, events: [{ state: 'PENDING_ARGS_AVAIL', ts }], creationTimeMs: ts,
    };
    this.live.set(spec.taskId, { row, live: task });
  }

  /** A task went to another node (which records it): forget it here. */
  forwarded(taskId: string): void {
    this.live.delete(taskId);
  }

  /** A worker reported the end of an attempt (before the task is finished or retried). */
  done(taskId: string, r: DoneReport): void {
    const e = this.live.get(taskId);
    if (!e) return;
    const end = this.now();
    const start = r.startMs ?? (r.us ? end - r.us / 1000 : end);
    const { row } = e;
    row.workerId = r.workerId;
    row.workerPid = r.pid;
    row.startTimeMs = start;
    row.endTimeMs = r.us && r.startMs !== undefined ? start + r.us / 1000 : end;
    row.errorType = r.errorName;
    row.attempt = e.live?.attempt ?? row.attempt;
    if (row.events[row.events.length - 1]!.state !== 'RUNNING') row.events.push({ state: 'RUNNING', ts: start });
  }

  /** The task ended (`error` set when it failed without running, or with an error the node made). */
  finish(taskId: string, failed: boolean, error?: { name: string; message: string }): void {
    const e = this.live.get(taskId);
    if (!e) return;
    this.live.delete(taskId);
    const { row } = e;
    const ts = this.now();
    const w = e.live?.worker;
    if (w && row.workerPid === undefined) {
      row.workerId = w.id;
      row.workerPid = w.pid;
    }
    row.attempt = e.live?.attempt ?? row.attempt;
    e.live = undefined;
    if (error) {
      row.errorType = error.name;
      row.errorMessage = error.message;
    }
    row.state = failed || error || row.errorType ? 'FAILED' : 'FINISHED';
    if (row.state === 'FINISHED') row.errorType = undefined;
    row.endTimeMs ??= ts;
    row.events.push({ state: row.state, ts: row.endTimeMs });
    this.finished.set(taskId, e);
    while (this.finished.size > this.maxFinished) {
      this.finished.delete(this.finished.keys().next().value!);
      this.dropped++;
    }
  }

  /** Every task known here, live ones first. */
  list(): TaskRow[] {
    const out: TaskRow[] = [];
    for (const e of this.live.values()) out.push(this.snapshot(e));
    for (const e of this.finished.values()) out.push(e.row);
    return out;
  }

  /** One task, or undefined. */
  get(taskId: string): TaskRow | undefined {
    const e = this.live.get(taskId) ?? this.finished.get(taskId);
    return e && this.snapshot(e);
  }

  /** Name of the task that made an object, when known here. */
  nameOf(taskId: string): string | undefined {
    return (this.live.get(taskId) ?? this.finished.get(taskId))?.row.name;
  }

  /** Counts by state and name (for the `ray_tasks` metric). */
  counts(): Map<string, { state: TaskStatus; name: string; n: number }> {
    const m = new Map<string, { state: TaskStatus; name: string; n: number }>();
    for (const r of this.list()) {
      const k = `${r.state}\u0000${r.name}`;
      const c = m.get(k) ?? { state: r.state, name: r.name, n: 0 };
      c.n++;
      m.set(k, c);
    }
    return m;
  }

  private snapshot(e: Entry): TaskRow {
    if (!e.live) return e.row;
    const state = liveStatus(e.live);
    const w = e.live.worker;
    const row: TaskRow = { ...e.row, state, attempt: e.live.attempt, events: [...e.row.events] };
    if (state === 'RUNNING') {
      if (w) {
        row.workerId = w.id;
        row.workerPid = w.pid;
      }
      row.errorType = undefined;
      row.endTimeMs = undefined;
    }
    return row;
  }
}
