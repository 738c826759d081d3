/**
 * Compiles an optimized logical plan into an {@link ExecNode}: describes user functions
 * for shipping, plans reads into read tasks, gets input refs and picks the map/reduce
 * specs of all-to-all operators.
 */
import * as ray from '@ray-ts/core';
import type { DataContextSnapshot } from '../context.js';
import { describeUdf } from '../udf/udf-spec.js';
import type { AllToAllKind, LogicalOp, LogicalStage } from '../logical/plan.js';
import type { ExecNode } from './exec-plan.js';
import { minRowsOf } from './exec-plan.js';
import type { AllToAllSpec } from './physical/all-to-all-operator.js';
import type { StageSpec } from './stages.js';

/** Describes a stage for shipping (its function as a {@link UdfSpec}). */
export async function compileStage(s: LogicalStage, ctx: DataContextSnapshot): Promise<StageSpec> {
  switch (s.kind) {
    case 'project':
      return { kind: 'project', name: s.name, select: s.select, drop: s.drop, rename: s.rename };
    case 'limit':
      return { kind: 'limit', name: s.name, n: s.n! };
    case 'partialAggregate':
      return { kind: 'partialAggregate', name: s.name, keys: [...s.keys!], aggs: [...s.aggs!] };
    default: {
      const udf = await describeUdf(s.fn!, s.callerUrl);
      const base = { name: s.name, udf, fnArgs: [...(s.fnArgs ?? [])], fnConstructorArgs: [...(s.fnConstructorArgs ?? [])] };
      if (s.kind === 'mapBatches') {
        return { ...base, kind: 'mapBatches', batchSize: s.batchSize === undefined ? ctx.defaultBatchSize : s.batchSize, batchFormat: s.batchFormat ?? 'columns' };
      }
      if (s.kind === 'addColumn') return { ...base, kind: 'addColumn', column: s.column!, batchFormat: s.batchFormat ?? 'columns' };
      return { ...base, kind: s.kind };
    }
  }
}

function compileStages(stages: readonly LogicalStage[], ctx: DataContextSnapshot): Promise<StageSpec[]> {
  return Promise.all(stages.map((s) => compileStage(s, ctx)));
}

async function allToAllSpec(op: AllToAllKind, ctx: DataContextSnapshot): Promise<AllToAllSpec> {
  switch (op.kind) {
    case 'repartition':
      return op.shuffle
        ? { kind: 'shuffle', partition: { kind: 'roundRobin', parts: op.numBlocks }, reduce: { kind: 'concat' } }
        : { kind: 'split', numBlocks: op.numBlocks };
    case 'randomShuffle': {
      const seed = op.seed ?? Math.floor(Math.random() * 2 ** 31);
      return { kind: 'shuffle', partition: { kind: 'random', seed, parts: 0 }, reduce: { kind: 'shuffle', seed } };
    }
    case 'sort':
      return { kind: 'range', key: op.key, reduce: { kind: 'sort', key: op.key } };
    case 'aggregate': {
      const keys = [...op.keys];
      const aggs = [...op.aggs];
      const key = { columns: keys, descending: keys.map(() => false) };
      const reduce = { kind: 'aggregate', keys, aggs } as const;
      return op.inputPartial ? { kind: 'range', key, inputPartial: true, reduce } : { kind: 'range', key, partial: { keys, aggs }, reduce };
    }
    case 'mapGroups':
      return {
        kind: 'range', key: op.key, reduce: { kind: 'mapGroups', key: op.key },
        stage: await compileStage(op.stage, ctx), resources: { ...op.resources },
      };
  }
}

/** Read parallelism: the context's setting, or 4 per CPU. */
async function parallelism(ctx: DataContextSnapshot): Promise<number> {
  if (ctx.readParallelism > 0) return ctx.readParallelism;
  const cpus = (await ray.clusterResources()).CPU ?? 1;
  return Math.max(2, Math.ceil(cpus * 4));
}

/** Compiles a logical plan (already optimized). */
export async function compile(op: LogicalOp, ctx: DataContextSnapshot): Promise<ExecNode> {
  switch (op.kind) {
    case 'read': {
      const tasks = await op.datasource.plan(op.numBlocks ?? (await parallelism(ctx)));
      const readOptions = { blockRows: ctx.targetBlockRows, ...op.readOptions };
      return { op: 'read', name: op.name, tasks, readOptions, stages: await compileStages(op.stages, ctx) };
    }
    case 'input':
      return { op: 'input', name: op.name, bundles: await op.source.bundles() };
    case 'map': {
      const stages = await compileStages(op.stages, ctx);
      return { op: 'map', name: op.name, input: await compile(op.input, ctx), stages, compute: { ...op.compute }, resources: { ...op.resources }, minRows: minRowsOf(stages) };
    }
    case 'limit':
      return { op: 'limit', name: op.name, input: await compile(op.input, ctx), n: op.n };
    case 'allToAll':
      return { op: 'allToAll', name: op.name, input: await compile(op.input, ctx), spec: await allToAllSpec(op.op, ctx) };
    case 'union':
      return { op: 'union', name: op.name, inputs: await Promise.all(op.inputs.map((i) => compile(i, ctx))) };
    case 'zip':
      return { op: 'zip', name: op.name, inputs: [await compile(op.inputs[0], ctx), await compile(op.inputs[1], ctx)] };
  }
}
