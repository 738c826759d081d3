/**
 * The state API (Ray's `ray.util.state`): lists and summaries of tasks, actors,
 * objects, nodes, jobs, placement groups and workers of the cluster this process is
 * attached to, or of a running cluster given by `address`.
 *
 * ```ts
 * import { state } from '@ray-ts/core';
 * const running = await state.listTasks({ filters: [['state', '=', 'RUNNING']] });
 * ```
 */
import { currentState } from '../api/state.js';
import { RayError } from '../errors.js';
import { newId } from '../ids.js';
import { SocketClient } from '../runtime/socket-client.js';
import { readHeadInfo, resolveToken } from '../cli/head-file.js';
import { checkListOptions } from './filters.js';
import type { ActorRow, JobRow, ListOptions, ListResult, NodeRow, ObjectRow, PlacementGroupRow, StateKind, StateRows, TaskRow, WorkerRow } from './state-types.js';
import type { ActorSummary, MemorySummary, TaskSummary, TraceEvent } from './summaries.js';
import type { LogChunk, LogFileInfo } from './worker-logs.js';

type Msg = Record<string, any> & { t: string };
type Answer = Record<string, any>;

/** Where a state request goes (all state functions take these). */
export interface StateTarget {
  /** `host:port` of a running node; default: this process's runtime, else the node started on this machine (`ray-ts start`). */
  address?: string;
  /** Cluster token for `address`. @default RAY_TS_CLUSTER_TOKEN, else the local head's token file */
  token?: string;
  /** Milliseconds to wait for the answer. @default 30000 */
  timeout?: number;
}

/** An error answer of a node to a state request. */
export class StateApiError extends RayError {
  override readonly code = 'STATE_API';
}

/** Sends a state request to the runtime of this process, or to `address`. @internal */
export async function stateRequest(msg: Msg, target: StateTarget = {}): Promise<Answer> {
  const timeout = target.timeout ?? 30_000;
  const st = currentState();
  let answer: Promise<Answer>;
  let close = () => {};
  if (target.address === undefined && st?.node) answer = st.node.state.handle(msg);
  else if (target.address === undefined && st) answer = st.core.client.headRequest(msg);
  else {
    const address = target.address === undefined || target.address === 'auto' ? readHeadInfo()?.address : target.address;
    if (!address) throw new RayError('No ray-ts cluster to ask: call init() first, pass options.address, or start one with `ray-ts start --head`.');
    const client = await SocketClient.connect(address, newId('w'), 'cli', () => {}, resolveToken(target.token));
    close = () => client.close();
    answer = client.request(msg);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      answer,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StateApiError(`The state request '${msg.t}' got no answer within ${timeout} ms; is the cluster busy or a node unreachable?`)), timeout);
      }),
    ]);
    if (r.error) {
      const E = r.errorName === 'TypeError' ? TypeError : r.errorName === 'RangeError' ? RangeError : StateApiError;
      throw new E(String(r.error));
    }
    return r;
  } finally {
    if (timer) clearTimeout(timer);
    close();
  }
}

function targetOf(o: StateTarget): StateTarget {
  return { address: o.address, token: o.token, timeout: o.timeout };
}

async function list<K extends StateKind>(kind: K, fn: string, options: ListOptions = {}): Promise<StateRows[K][]> {
  return (await listWithTotal(kind, fn, options)).rows;
}

/** Lists rows of any kind with the count that matched before `limit` and the nodes that did not answer. */
export async function listWithTotal<K extends StateKind>(kind: K, fn = 'list()', options: ListOptions = {}): Promise<ListResult<StateRows[K]>> {
  const o = checkListOptions(kind, fn, options);
  const r = await stateRequest({ t: 'state.list', kind, ...o }, targetOf(options));
  return { rows: r.rows, total: r.total, partialFailures: r.partialFailures ?? [] };
}

/** Tasks (and actor calls): live ones and the most recent finished ones of each node. */
export function listTasks(options?: ListOptions): Promise<TaskRow[]> {
  return list('tasks', 'listTasks()', options);
}
/** Actors, dead ones included. */
export function listActors(options?: ListOptions): Promise<ActorRow[]> {
  return list('actors', 'listActors()', options);
}
/** Objects in the object stores of the nodes. */
export function listObjects(options?: ListOptions): Promise<ObjectRow[]> {
  return list('objects', 'listObjects()', options);
}
/** Nodes of the cluster (dead ones included). */
export function listNodes(options?: ListOptions): Promise<NodeRow[]> {
  return list('nodes', 'listNodes()', options);
}
/** Jobs: submitted jobs, or the driver of the embedded cluster. */
export function listJobs(options?: ListOptions): Promise<JobRow[]> {
  return list('jobs', 'listJobs()', options);
}
/** Placement groups. */
export function listPlacementGroups(options?: ListOptions): Promise<PlacementGroupRow[]> {
  return list('placementGroups', 'listPlacementGroups()', options);
}
/** Worker processes alive now. */
export function listWorkers(options?: ListOptions): Promise<WorkerRow[]> {
  return list('workers', 'listWorkers()', options);
}

/** One task with every field, or undefined when no node knows it (any more). */
export async function getTask(taskId: string, target: StateTarget = {}): Promise<TaskRow | undefined> {
  if (typeof taskId !== 'string' || !taskId) throw new TypeError('getTask() taskId must be a non-empty string');
  return ((await stateRequest({ t: 'state.getTask', taskId }, targetOf(target))).row as TaskRow | null) ?? undefined;
}

/** Tasks by name and state (Ray's `ray summary tasks`). */
export async function summarizeTasks(target: StateTarget = {}): Promise<TaskSummary> {
  return (await stateRequest({ t: 'state.summary', kind: 'tasks' }, targetOf(target))).summary as TaskSummary;
}

/** Actors by class and state (Ray's `ray summary actors`). */
export async function summarizeActors(target: StateTarget = {}): Promise<ActorSummary> {
  return (await stateRequest({ t: 'state.summary', kind: 'actors' }, targetOf(target))).summary as ActorSummary;
}

/** Object store use by node and by what made the objects (Ray's `ray memory`). */
export async function memorySummary(target: StateTarget = {}): Promise<MemorySummary> {
  return (await stateRequest({ t: 'state.summary', kind: 'objects' }, targetOf(target))).summary as MemorySummary;
}

/** The tasks that ran, as a Chrome trace (open in chrome://tracing or ui.perfetto.dev). */
export async function timeline(target: StateTarget = {}): Promise<{ traceEvents: TraceEvent[]; displayTimeUnit: 'ms' }> {
  return (await stateRequest({ t: 'state.timeline' }, targetOf(target))).trace;
}

/** Worker log files of every node. */
export async function listLogs(target: StateTarget = {}): Promise<LogFileInfo[]> {
  return (await stateRequest({ t: 'state.logFiles' }, targetOf(target))).files as LogFileInfo[];
}

/** Options of {@link getLog}. */
export interface GetLogOptions extends StateTarget {
  /** Node of the worker. @default the node that has a log for this pid */
  nodeId?: string;
  /** @default 'stdout' */
  stream?: 'stdout' | 'stderr';
  /** Byte offset to read from. @default 0 */
  offset?: number;
}

/** A chunk of a worker's log (by pid), or undefined when no node has it. */
export async function getLog(pid: number, options: GetLogOptions = {}): Promise<(LogChunk & { nodeId: string }) | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) throw new TypeError(`getLog() pid must be a positive integer, got ${String(pid)}`);
  const r = await stateRequest({ t: 'state.logRead', pid, nodeId: options.nodeId, stream: options.stream ?? 'stdout', offset: options.offset ?? 0 }, targetOf(options));
  return r.chunk ? { ...(r.chunk as LogChunk), nodeId: r.nodeId as string } : undefined;
}

export type { ActorRow, JobRow, ListOptions, ListResult, NodeRow, ObjectRow, PlacementGroupRow, StateKind, TaskRow, WorkerRow, StateFilter, TaskStatus, FilterOp } from './state-types.js';
export type { ActorSummary, MemorySummary, TaskSummary, TraceEvent } from './summaries.js';
export type { LogChunk, LogFileInfo } from './worker-logs.js';
