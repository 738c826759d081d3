/**
 * Shapes shared by the autoscaler's parts: node types, demand, the planner's answer,
 * and the report `ray-ts status` shows.
 */
import type { ResourceMap } from '../transport/protocol.js';
import type { PlacementStrategy } from '../gcs/pg-placement.js';

/** One kind of worker node the autoscaler may launch (`availableNodeTypes.<name>`). */
export interface NodeTypeConfig {
  /** What one node of this type offers, e.g. `{ CPU: 2 }`. */
  resources: ResourceMap;
  /** Nodes of this type kept running even when idle. @default 0 */
  minWorkers: number;
  /** Most nodes of this type at once. */
  maxWorkers: number;
}

/** Resource shapes waiting for room: tasks and actors, with how many of each. */
export interface ShapeDemand {
  resources: ResourceMap;
  count: number;
}

/** A placement group waiting to be placed. */
export interface BundleDemand {
  pgId: string;
  bundles: ResourceMap[];
  strategy: PlacementStrategy;
}

/** Everything the cluster waits for. */
export interface ClusterDemand {
  shapes: ShapeDemand[];
  placementGroups: BundleDemand[];
}

/** A node as the planner sees it. */
export interface PlannerNode {
  id: string;
  /** Its node type (undefined for the head and nodes the autoscaler did not launch). */
  nodeType?: string;
  total: ResourceMap;
  /** Free now (a launching node counts as fully free). */
  available: ResourceMap;
}

/** Input of {@link planLaunches}. */
export interface PlannerInput {
  nodeTypes: Readonly<Record<string, NodeTypeConfig>>;
  nodes: PlannerNode[];
  demand: ClusterDemand;
  /** Standing `requestResources()` bundles: the cluster's total must hold them. */
  request?: ResourceMap[];
  /** Most worker nodes in all (head excluded). @default Infinity */
  maxWorkers?: number;
  /** Pending launches may be at most this multiple of the running workers (at least 5). @default 1 */
  upscalingSpeed?: number;
  /** Workers launched but not joined yet (they count against the upscaling cap). @default 0 */
  launching?: number;
}

/** What could not be planned for, and why. */
export interface UnmetDemand {
  resources: ResourceMap;
  count: number;
  /** `task` (tasks and actors), `bundle` (a placement-group bundle), or `request` (requestResources). */
  kind: 'task' | 'bundle' | 'request';
  reason: string;
}

/** The planner's answer. */
export interface Plan {
  /** Nodes to launch per type. */
  launch: Record<string, number>;
  /** Why, per type: e.g. `{ type: 'cpu1', count: 3, reason: 'pending {"CPU":1} x40' }`. */
  reasons: Array<{ nodeType: string; count: number; reason: string }>;
  /** Demand no configured node type (nor any node) can ever run: warned about, never launched for. */
  infeasible: UnmetDemand[];
  /** Feasible demand left waiting (maxWorkers or upscalingSpeed reached). */
  waiting: UnmetDemand[];
}

/** One scaling decision, kept for `ray-ts status`. */
export interface ScalingDecision {
  /** ms since epoch. */
  at: number;
  /** `launch-failed`: a node did not start; `lost`: a node went away without the autoscaler removing it; `backoff`: launches of a type wait after failures. */
  action: 'launch' | 'launch-failed' | 'lost' | 'backoff' | 'terminate' | 'infeasible' | 'waiting' | 'request' | 'error';
  nodeType?: string;
  count?: number;
  nodeId?: string;
  reason: string;
}

/** A worker node as the autoscaler tracks it. */
export interface AutoscalerNodeReport {
  providerId: string;
  nodeType: string;
  /** `launching` (not joined yet), `running` (busy), `idle`. */
  state: 'launching' | 'running' | 'idle';
  nodeId?: string;
  /** Seconds idle, for idle nodes. */
  idleS?: number;
  /** What keeps a running node busy, e.g. `2 running task(s)`, `1 referenced object(s)`. */
  busy?: string[];
}

/** The autoscaler's part of `ray-ts status`. */
export interface AutoscalerReport {
  clusterName: string;
  provider: string;
  nodeTypes: Record<string, NodeTypeConfig & { running: number; launching: number }>;
  nodes: AutoscalerNodeReport[];
  demand: ClusterDemand;
  request: ResourceMap[];
  infeasible: UnmetDemand[];
  waiting: UnmetDemand[];
  decisions: ScalingDecision[];
}
