/**
 * Typed shapes of what travels between a driver or worker and its node manager.
 * Values are carried as {@link WireObject}s: serialized bytes inline, or the name of
 * a shared-memory segment on the node.
 */

/** A stored value as it travels: inline bytes or a shared-memory segment. */
export interface WireObject {
  /** Inline serialized layout. */
  d?: Uint8Array;
  /** Name of the shared-memory segment holding the layout. */
  s?: string;
  /** Size in bytes of the layout. */
  n: number;
  /** 1 when the value is an error to be thrown by `get`. */
  e?: 1;
}

/** Resource amounts by name (`CPU`, `GPU`, `memory`, custom names). */
export type ResourceMap = Record<string, number>;

/** Where a task or actor may run. */
export type SchedulingStrategyWire =
  | { kind: 'DEFAULT' }
  | { kind: 'SPREAD' }
  | { kind: 'NODE_AFFINITY'; nodeId: string; soft: boolean }
  | { kind: 'PLACEMENT_GROUP'; pgId: string; bundleIndex: number }
  | { kind: 'NODE_LABEL'; hard: Record<string, string>; soft: Record<string, string> };

/** Environment a worker runs with. */
export interface RuntimeEnvWire {
  envVars?: Record<string, string>;
  /** `wd://<hash>.tar.gz`: the driver's code directory, stored in the head; nodes fetch and unpack it. */
  workingDir?: string;
  /** File URL of that directory on the driver's machine (module URLs under it are mapped to the unpacked copy). */
  workingDirRoot?: string;
}

/** An argument of a task: a value inline, or a ref whose value is resolved before the task runs. */
export type ArgWire = { v: WireObject } | { r: string };

/** Identifies a remote function or class: the module that defines it and its place there. */
export interface FunctionKey {
  /** URL (or path) of the defining module. */
  module: string;
  /** Key within the module (`<ordinal>:<name>`). */
  key: string;
  /** Name for messages. */
  name: string;
}

/** A task (or actor method call) as submitted. */
export interface TaskSpec {
  taskId: string;
  /** Function to run (absent for actor method calls). */
  fn?: FunctionKey;
  /** Actor id and method for actor calls. */
  actorId?: string;
  method?: string;
  /** Name shown in errors and status. */
  name: string;
  args: ArgWire[];
  /** Ids of every ref the arguments carry (top-level and nested), held until the task ends. */
  argRefs: string[];
  /** Number of return objects; -1 for a streaming generator. */
  numReturns: number;
  /**
   * Streaming generators: the executing worker pauses the generator while this many of its
   * items are not yet consumed by the caller (the node sends `genAck` as they are). Absent: no limit.
   */
  genBackpressure?: number;
  resources: ResourceMap;
  maxRetries: number;
  /** true, or the error names to retry on. */
  retryExceptions: boolean | string[];
  runtimeEnv?: RuntimeEnvWire;
  strategy: SchedulingStrategyWire;
  /** Task that submitted this one (for recursive cancel). */
  parentTaskId?: string;
  /** Process-unique id of the submitter. */
  callerId: string;
  /** Namespace of the submitting job: named actors made and looked up in the task use it (workers are shared by jobs). */
  namespace?: string;
  /** Job of the submitting driver: the worker tags the task's output with it, so only that job's driver prints it. */
  jobId?: string;
  /** Set when another node forwarded (spilled) the task here: it is not spilled again unless it cannot run here at all. */
  spilledFrom?: string;
}

/** An actor creation request. */
export interface ActorSpec {
  actorId: string;
  cls: FunctionKey;
  args: ArgWire[];
  argRefs: string[];
  name?: string;
  namespace: string;
  detached: boolean;
  getIfExists: boolean;
  maxRestarts: number;
  maxTaskRetries: number;
  maxConcurrency: number;
  resources: ResourceMap;
  runtimeEnv?: RuntimeEnvWire;
  strategy: SchedulingStrategyWire;
  methods: string[];
  /** Generator methods (calls stream). */
  streaming?: string[];
  callerId: string;
  /** Job of the creating driver (its output goes to that driver). */
  jobId?: string;
}

/** What a node tells about an actor (getActor). */
export interface ActorInfo {
  actorId: string;
  name?: string;
  namespace: string;
  cls: FunctionKey;
  methods: string[];
  streaming?: string[];
  state: 'PENDING' | 'ALIVE' | 'RESTARTING' | 'DEAD';
}

/** Result of a `get` for one object. */
export type GetResult = WireObject;

/** A node's resources. */
export interface ResourceReport {
  total: ResourceMap;
  available: ResourceMap;
}

/** A snapshot for `ray-ts status`. */
export interface StatusReport {
  sessionDir: string;
  nodeId: string;
  resources: ResourceReport;
  pendingTasks: number;
  runningTasks: number;
  infeasible: Array<{ name: string; resources: ResourceMap }>;
  pendingDemand: Array<{ resources: ResourceMap; count: number }>;
  workers: number;
  actors: { alive: number; pending: number; dead: number; restarting: number };
  objectStore: { used: number; capacity: number; objects: number; spilled: number; spilledBytes: number };
  /** Every node of the cluster, when this node is in one. */
  nodes?: import('../gcs/gcs-types.js').NodeView[];
  /** The autoscaler's state, when the head runs one. */
  autoscaler?: import('../autoscaler/autoscaler-types.js').AutoscalerReport;
}
