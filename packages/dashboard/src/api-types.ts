/**
 * The JSON the dashboard reads from a node's `/api/v0/...` endpoints: the fields it shows
 * of each state row. These mirror core's state rows (`@ray-ts/core`'s `state` types); the
 * page is a plain HTTP client of them and does not import core (core depends on this
 * package to serve it). `test/dashboard/api-contract.test.ts` fails the type check when
 * the two drift apart.
 */

/** Resource name → amount (`CPU`, `GPU`, `memory`, `objectStoreMemory`, custom). */
export type ResourceMap = Record<string, number>;

export type TaskState = 'PENDING_ARGS_AVAIL' | 'PENDING_NODE_ASSIGNMENT' | 'RUNNING' | 'FINISHED' | 'FAILED';

/** Task states in the order a task goes through them. */
export const TASK_STATES: readonly TaskState[] = ['PENDING_ARGS_AVAIL', 'PENDING_NODE_ASSIGNMENT', 'RUNNING', 'FINISHED', 'FAILED'];

export interface TaskRow {
  taskId: string;
  name: string;
  state: TaskState;
  type: 'NORMAL_TASK' | 'ACTOR_TASK';
  funcOrClassName: string;
  actorId?: string;
  nodeId: string;
  workerPid?: number;
  attempt: number;
  errorType?: string;
  errorMessage?: string;
  requiredResources?: ResourceMap;
  events?: Array<{ state: TaskState; ts: number }>;
  creationTimeMs?: number;
  startTimeMs?: number;
  endTimeMs?: number;
}

export interface ActorRow {
  actorId: string;
  className: string;
  name?: string;
  namespace: string;
  state: 'PENDING' | 'ALIVE' | 'RESTARTING' | 'DEAD';
  numRestarts: number;
  nodeId: string;
  pid?: number;
  deathReason?: string;
  requiredResources?: ResourceMap;
  detached?: boolean;
}

export interface ObjectRow {
  objectId: string;
  objectSize: number;
  state: 'PENDING' | 'READY' | 'REMOTE';
  location: string;
  referenceCount: number;
  nodeId: string;
  taskId?: string;
  callSite: string;
  isError: boolean;
}

export interface NodeRow {
  nodeId: string;
  address: string;
  state: 'ALIVE' | 'DEAD';
  isHead: boolean;
  resourcesTotal: ResourceMap;
  resourcesAvailable: ResourceMap;
  labels?: Record<string, string>;
  startTimeMs?: number;
  metricsAddress?: string;
}

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

export interface PlacementGroupRow {
  placementGroupId: string;
  name?: string;
  namespace: string;
  state: string;
  strategy: string;
  bundles: ResourceMap[];
  nodes?: string[];
  detached?: boolean;
}

export interface LogFile {
  nodeId: string;
  workerId: string;
  pid: number;
  stream: 'stdout' | 'stderr';
  size: number;
}

/** `/api/v0/<kind>` answers. */
export interface ListResult<T> {
  rows: T[];
  /** Rows that matched before `limit`. */
  total: number;
  /** Nodes that did not answer. */
  partialFailures: string[];
}

export interface TaskSummary {
  summary: Record<string, { name: string; type: TaskRow['type']; stateCounts: Partial<Record<TaskState, number>> }>;
  totalTasks: number;
  totalActorTasks: number;
}

export interface ActorSummary {
  summary: Record<string, { className: string; stateCounts: Partial<Record<ActorRow['state'], number>> }>;
  totalActors: number;
}

export interface MemorySummary {
  totalBytes: number;
  numObjects: number;
  nodes: Record<string, { totalBytes: number; numObjects: number }>;
}

/** A piece of a log: `data` from the asked offset; ask for `offset` next. */
export interface LogChunk {
  data: string;
  offset: number;
  /** Job logs only: the job ended and all of its log was read. */
  done?: boolean;
}
