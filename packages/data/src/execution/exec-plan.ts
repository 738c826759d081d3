/**
 * The executable plan: the optimized logical plan with user functions described for
 * shipping, reads planned into read tasks and driver inputs turned into refs. Plain
 * data, so it can be run by the driver or sent to an actor (streamingSplit's
 * coordinator). {@link buildTopology} makes its physical operators.
 */
import type { ReadOptions, ReadTask } from '../io/datasource.js';
import type { AllToAllSpec } from './physical/all-to-all-operator.js';
import { ActorPoolMapOperator } from './physical/actor-pool-operator.js';
import { AllToAllOperator } from './physical/all-to-all-operator.js';
import type { PhysicalOperator } from './physical/operator.js';
import { InputOperator, LimitOperator, UnionOperator } from './physical/simple-operators.js';
import { MapOperator, ReadOperator, type TaskResources } from './physical/task-operator.js';
import { WriteOperator, ZipOperator } from './physical/zip-write-operators.js';
import type { RefBundle } from './ref-bundle.js';
import type { StageSpec } from './stages.js';

/** Where map stages run. */
export type ExecCompute = { kind: 'tasks'; concurrency?: number } | { kind: 'actors'; min: number; max: number };

/** A node of the executable plan. */
export type ExecNode =
  | { op: 'input'; name: string; bundles: RefBundle[] }
  | { op: 'read'; name: string; tasks: ReadTask[]; readOptions: ReadOptions; stages: StageSpec[] }
  | { op: 'map'; name: string; input: ExecNode; stages: StageSpec[]; compute: ExecCompute; resources: TaskResources; minRows: number }
  | { op: 'write'; name: string; input: ExecNode; stages: StageSpec[]; sink: { name: string; kind: string; params: Record<string, unknown> }; resources: TaskResources; minRows: number }
  | { op: 'limit'; name: string; input: ExecNode; n: number }
  | { op: 'allToAll'; name: string; input: ExecNode; spec: AllToAllSpec }
  | { op: 'union'; name: string; inputs: ExecNode[] }
  | { op: 'zip'; name: string; inputs: [ExecNode, ExecNode] };

/** Physical operators of a plan: the output operator and all operators, inputs before consumers. */
export interface Topology {
  root: PhysicalOperator;
  ops: PhysicalOperator[];
  /** The consumer of each operator and the input index it feeds. */
  consumers: Map<PhysicalOperator, { op: PhysicalOperator; index: number }>;
}

/** Rows a map task should get at least: the largest batch size of its stages. */
export function minRowsOf(stages: readonly StageSpec[]): number {
  let n = 1;
  for (const s of stages) if (s.kind === 'mapBatches' && s.batchSize !== null) n = Math.max(n, s.batchSize);
  return n;
}

/** Makes the physical operators of a plan. */
export function buildTopology(plan: ExecNode): Topology {
  const ops: PhysicalOperator[] = [];
  const consumers = new Map<PhysicalOperator, { op: PhysicalOperator; index: number }>();
  const make = (n: ExecNode): PhysicalOperator => {
    let op: PhysicalOperator;
    switch (n.op) {
      case 'input': op = new InputOperator(n.name, n.bundles); break;
      case 'read': op = new ReadOperator(n.name, n.tasks, n.readOptions, n.stages); break;
      case 'map': {
        const input = make(n.input);
        op = n.compute.kind === 'actors'
          ? new ActorPoolMapOperator(n.name, input, n.stages, n.resources, n.compute.min, n.compute.max, n.minRows)
          : new MapOperator(n.name, input, n.stages, n.resources, n.compute.concurrency, n.minRows);
        break;
      }
      case 'write': op = new WriteOperator(n.name, make(n.input), n.sink, n.stages, n.resources, n.minRows); break;
      case 'limit': op = new LimitOperator(n.name, make(n.input), n.n); break;
      case 'allToAll': op = new AllToAllOperator(n.name, make(n.input), n.spec); break;
      case 'union': op = new UnionOperator(n.name, n.inputs.map(make)); break;
      case 'zip': op = new ZipOperator(n.name, [make(n.inputs[0]), make(n.inputs[1])]); break;
    }
    op.inputs.forEach((inp, index) => consumers.set(inp, { op, index }));
    ops.push(op);
    return op;
  };
  const root = make(plan);
  return { root, ops, consumers };
}

/** The operator names of a plan, sources first (for explain). */
export function describeExecPlan(plan: ExecNode, indent = ''): string {
  const kids = 'inputs' in plan ? plan.inputs : 'input' in plan ? [plan.input] : [];
  const extra = plan.op === 'map' && plan.compute.kind === 'actors' ? ` [actor pool ${plan.compute.min}..${plan.compute.max}]` : plan.op === 'read' ? ` [${plan.tasks.length} read tasks]` : '';
  return [`${indent}${indent ? '+- ' : ''}${plan.name}${extra}`, ...kids.map((k) => describeExecPlan(k, indent ? `${indent}   ` : ' '))].join('\n');
}
