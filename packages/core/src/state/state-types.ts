/**
 * Shapes of the state API (Ray's `ray.util.state`): the rows of each resource kind,
 * as they travel as JSON between nodes, drivers, the CLI and HTTP clients.
 */
import type { ResourceMap } from '../transport/protocol.js';

/** Task states, as in Ray's task events. */
export type TaskStatus = 'PENDING_ARGS_AVAIL' | 'PENDING_NODE_ASSIGNMENT' | 'RUNNING' | 'FINISHED' | 'FAILED';

/** One state change of a task. */
export interface TaskStateEvent {
  state: TaskStatus;
  /** ms since the epoch. */
  ts: number;
}

/** A task (or actor method call) as recorded by the node that ran it. */
export interface TaskRow {
  taskId: string;
  name: string;
  state: TaskStatus;
  type: 'NORMAL_TASK' | 'ACTOR_TASK';
  /** Function name (tasks) or class name (actor calls). */
  funcOrClassName: string;
  actorId?: string;
  nodeId: string;
  workerId?: string;
  workerPid?: number;
  parentTaskId?: string;
  attempt: number;
  /** Name of the error class, for FAILED tasks. */
  errorType?: string;
  errorMessage?: string;
  requiredResources: ResourceMap;
  events: TaskStateEvent[];
  creationTimeMs: number;
  startTimeMs?: number;
  endTimeMs?: number;
}

/** An actor. */
export interface ActorRow {
  actorId: string;
  className: string;
  name?: string;
  namespace: string;
  state: 'PENDING' | 'ALIVE' | 'RESTARTING' | 'DEAD';
  numRestarts: number;
  nodeId: string;
  pid?: number;
  workerId?: string;
  deathReason?: string;
  requiredResources: ResourceMap;
  detached: boolean;
}

/** An object in a node's object store. */
export interface ObjectRow {
  objectId: string;
  /** Bytes of its serialized layout (0 while pending). */
  objectSize: number;
  state: 'PENDING' | 'READY' | 'REMOTE';
  /** Where the value is: inline in the node's table, a shared-memory segment, spilled to disk, or on another node. */
  location: 'INLINE' | 'SHARED_MEMORY' | 'SPILLED' | 'REMOTE' | 'NONE';
  /** References held by processes, task arguments and containing objects. */
  referenceCount: number;
  /** Node whose table holds the entry. */
  nodeId: string;
  /** Task that made it, when it is a task's return value. */
  taskId?: string;
  /** What made it: the task's name, or `put`. */
  callSite: string;
  /** The value is an error. */
  isError: boolean;
}

/** A node. */
export interface NodeRow {
  nodeId: string;
  address: string;
  state: 'ALIVE' | 'DEAD';
  isHead: boolean;
  resourcesTotal: ResourceMap;
  resourcesAvailable: ResourceMap;
  labels: Record<string, string>;
  startTimeMs: number;
  /** `host:port` of the node's HTTP endpoint (`/metrics`, `/api/v0/...`), when it serves one. */
  metricsAddress?: string;
}

/** A job: a submitted job (`ray-ts job submit`) or the driver of the embedded cluster. */
export interface JobRow {
  jobId: string;
  type: 'SUBMISSION' | 'DRIVER';
  status: string;
  entrypoint?: string;
  driverPid?: number;
  startTimeMs?: number;
  endTimeMs?: number;
  message?: string;
}

/** A placement group. */
export interface PlacementGroupRow {
  placementGroupId: string;
  name?: string;
  namespace: string;
  state: string;
  strategy: string;
  bundles: ResourceMap[];
  /** Node of each bundle, once placed. */
  nodes?: string[];
  detached: boolean;
}

/** A worker process. */
export interface WorkerRow {
  workerId: string;
  pid: number;
  nodeId: string;
  state: 'STARTING' | 'IDLE' | 'LEASED' | 'ACTOR';
  actorId?: string;
  isAlive: boolean;
}

/** Rows by resource kind. */
export interface StateRows {
  tasks: TaskRow;
  actors: ActorRow;
  objects: ObjectRow;
  nodes: NodeRow;
  jobs: JobRow;
  placementGroups: PlacementGroupRow;
  workers: WorkerRow;
}

/** A resource kind of the state API. */
export type StateKind = keyof StateRows;

/** The kinds, in CLI order. */
export const STATE_KINDS: readonly StateKind[] = ['tasks', 'actors', 'objects', 'nodes', 'jobs', 'placementGroups', 'workers'];

/** Filter predicate operators. */
export type FilterOp = '=' | '!=';

/** A filter: `[key, op, value]`, as in Ray (`[('state', '=', 'RUNNING')]`). */
export type StateFilter = readonly [key: string, op: FilterOp, value: string | number | boolean];

/** Options of the `list*` functions. */
export interface ListOptions {
  /** Rows must match all of these. @default [] */
  filters?: StateFilter[];
  /** At most this many rows (newest tasks first is not guaranteed; see `total`). @default 100 */
  limit?: number;
  /** All fields (true) or the main columns (false). @default false */
  detail?: boolean;
  /** `host:port` of a running node (`ray-ts start`); default: this process's runtime, else `'auto'`. */
  address?: string;
  /** Cluster token for `address` (default: RAY_TS_CLUSTER_TOKEN or the local head's token file). */
  token?: string;
  /** Milliseconds to wait for the answer. @default 30000 */
  timeout?: number;
}

/** A list answer as it travels (and as the HTTP endpoints serve it). */
export interface ListResult<T> {
  rows: T[];
  /** Rows that matched before `limit`. */
  total: number;
  /** Nodes that did not answer (their rows are missing). */
  partialFailures: string[];
}
