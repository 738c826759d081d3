/**
 * The logical plan of a dataset: an immutable tree of operators, built by Dataset
 * transforms and rewritten by the optimizer before execution. Map-like operators hold
 * a list of stages (one before fusion, several after); a read holds the stages fused
 * into it. User functions are held as functions here and described for shipping when
 * the plan is compiled.
 */
import type { AggregateSpec } from '../aggregate.js';
import type { BatchFormat } from '../block/batch-format.js';
import type { Datasource, ReadOptions } from '../io/datasource.js';
import type { RefBundle } from '../execution/ref-bundle.js';
import type { SortKey } from '../execution/all-to-all/sort-key.js';
import type { Udf } from '../udf/udf-spec.js';

/** A transform of a map-like operator, before its function is described for shipping. */
export interface LogicalStage {
  readonly kind: 'map' | 'flatMap' | 'filter' | 'mapBatches' | 'addColumn' | 'project' | 'limit' | 'partialAggregate';
  /** Display name, e.g. `Map(parse)`. */
  readonly name: string;
  readonly fn?: Udf;
  /** Module that passed `fn` (where its export is looked for). */
  readonly callerUrl?: string;
  readonly fnArgs?: readonly unknown[];
  readonly fnConstructorArgs?: readonly unknown[];
  readonly batchSize?: number | null;
  readonly batchFormat?: BatchFormat;
  readonly column?: string;
  readonly select?: readonly string[];
  readonly drop?: readonly string[];
  readonly rename?: Readonly<Record<string, string>>;
  readonly n?: number;
  /** Group keys and aggregations of a partialAggregate stage. */
  readonly keys?: readonly string[];
  readonly aggs?: readonly AggregateSpec[];
}

/** Where a map operator runs: tasks, or an actor pool of `min..max` actors. */
export type Compute = { readonly kind: 'tasks'; readonly concurrency?: number } | { readonly kind: 'actors'; readonly min: number; readonly max: number };

/** Resources each task or actor of a map operator holds. */
export interface StageResources {
  readonly numCpus: number;
  readonly numGpus: number;
}

/** Blocks given by the driver (fromItems, fromArrow, a materialized dataset). */
export interface InputSource {
  /** Name shown in plans, e.g. `FromItems`. */
  readonly name: string;
  /** The blocks (put into the object store on first use). */
  bundles(): Promise<RefBundle[]>;
}

/** What an all-to-all operator does. */
export type AllToAllKind =
  | { readonly kind: 'repartition'; readonly numBlocks: number; readonly shuffle: boolean }
  | { readonly kind: 'randomShuffle'; readonly seed?: number }
  | { readonly kind: 'sort'; readonly key: SortKey }
  /** `inputPartial`: the input already holds partial states (the optimizer fused the partial step upstream). */
  | { readonly kind: 'aggregate'; readonly keys: readonly string[]; readonly aggs: readonly AggregateSpec[]; readonly inputPartial?: boolean }
  | { readonly kind: 'mapGroups'; readonly key: SortKey; readonly stage: LogicalStage; readonly resources: StageResources };

/** An operator of the logical plan. */
export type LogicalOp =
  | { readonly kind: 'read'; readonly name: string; readonly datasource: Datasource; readonly readOptions: ReadOptions; readonly numBlocks?: number; readonly stages: readonly LogicalStage[] }
  | { readonly kind: 'input'; readonly name: string; readonly source: InputSource }
  | { readonly kind: 'map'; readonly name: string; readonly input: LogicalOp; readonly stages: readonly LogicalStage[]; readonly compute: Compute; readonly resources: StageResources }
  | { readonly kind: 'limit'; readonly name: string; readonly input: LogicalOp; readonly n: number }
  | { readonly kind: 'allToAll'; readonly name: string; readonly input: LogicalOp; readonly op: AllToAllKind }
  | { readonly kind: 'union'; readonly name: string; readonly inputs: readonly LogicalOp[] }
  | { readonly kind: 'zip'; readonly name: string; readonly inputs: readonly [LogicalOp, LogicalOp] };

/** The inputs of an operator. */
export function inputsOf(op: LogicalOp): readonly LogicalOp[] {
  if (op.kind === 'read' || op.kind === 'input') return [];
  if (op.kind === 'union' || op.kind === 'zip') return op.inputs;
  return [op.input];
}

function label(op: LogicalOp): string {
  switch (op.kind) {
    case 'read': {
      const extra = [
        op.readOptions.columns ? `columns=[${op.readOptions.columns.join(',')}]` : '',
        op.readOptions.limit !== undefined ? `limit=${op.readOptions.limit}` : '',
      ].filter(Boolean);
      const base = op.datasource.name;
      const rest = op.name.startsWith(base) ? op.name.slice(base.length) : '';
      return `${op.name.startsWith(base) ? base : op.name}${extra.length ? `[${extra.join(', ')}]` : ''}${rest}`;
    }
    case 'map': return `${op.name}${op.compute.kind === 'actors' ? `[actors=${op.compute.min === op.compute.max ? op.compute.max : `${op.compute.min}..${op.compute.max}`}]` : ''}`;
    default: return op.name;
  }
}

/** The plan as an indented tree, the output operator first (like Ray's `explain()`). */
export function explainPlan(op: LogicalOp, indent = ''): string {
  const lines = [`${indent}${indent ? '+- ' : ''}${label(op)}`];
  for (const child of inputsOf(op)) lines.push(explainPlan(child, indent ? `${indent}   ` : ' '));
  return lines.join('\n');
}
