/**
 * Rewrites a logical plan before execution, like Ray's logical optimizer rules:
 * 1. **limit pushdown**: a limit moves below map operators that keep the number of rows
 *    (map, addColumn, column projections) and into the read (`ReadOptions.limit`);
 * 2. **projection pushdown**: `selectColumns` right after a read becomes
 *    `ReadOptions.columns`;
 * 3. **aggregation projection**: a group-by right after a read reads only its key and
 *    value columns;
 * 4. **operator fusion**: adjacent map-like operators with the same resources (and at
 *    most one actor pool) become one operator whose tasks run all their stages; map
 *    operators on tasks fuse into the read before them;
 * 5. **partial aggregation fusion**: the map side of a group-by (partial states per
 *    group) runs as the last stage of the read or map operator before it, so raw rows
 *    never reach the object store, only one small block of states per task.
 */
import type { Compute, LogicalOp, LogicalStage } from './plan.js';

const ROW_PRESERVING = new Set<LogicalStage['kind']>(['map', 'addColumn', 'project']);

function pushLimit(op: LogicalOp): LogicalOp {
  if (op.kind !== 'limit') return op;
  const child = op.input;
  if (child.kind === 'limit') {
    const n = Math.min(op.n, child.n);
    return pushLimit({ ...op, name: `Limit[${n}]`, n, input: child.input });
  }
  if (child.kind === 'map' && child.stages.every((s) => ROW_PRESERVING.has(s.kind))) {
    return { ...child, input: pushLimit({ ...op, input: child.input }) };
  }
  if (child.kind === 'read' && child.stages.length === 0) {
    const limit = Math.min(op.n, child.readOptions.limit ?? Infinity);
    return { ...op, input: { ...child, readOptions: { ...child.readOptions, limit } } };
  }
  if (child.kind === 'union') {
    return { ...op, input: { ...child, inputs: child.inputs.map((i) => pushLimit({ ...op, input: i })) } };
  }
  return op;
}

function pushProjection(op: LogicalOp): LogicalOp {
  if (op.kind !== 'map' || op.input.kind !== 'read' || op.input.stages.length > 0) return op;
  const first = op.stages[0];
  if (!first || first.kind !== 'project' || !first.select || first.drop || first.rename) return op;
  const read = op.input;
  const have = read.readOptions.columns;
  const columns = have ? first.select.filter((c) => have.includes(c)) : [...first.select];
  return { ...op, input: { ...read, readOptions: { ...read.readOptions, columns } } };
}

function pushAggregateColumns(op: LogicalOp): LogicalOp {
  if (op.kind !== 'allToAll' || op.op.kind !== 'aggregate' || op.input.kind !== 'read' || op.input.stages.length > 0) return op;
  const needed = [...new Set([...op.op.keys, ...op.op.aggs.flatMap((a) => (a.on === undefined ? [] : [a.on]))])];
  if (needed.length === 0) return op; // count() alone: keep the read as it is (it still has to count rows)
  const read = op.input;
  const have = read.readOptions.columns;
  const columns = have ? have.filter((c) => needed.includes(c)) : needed;
  return { ...op, input: { ...read, readOptions: { ...read.readOptions, columns } } };
}

function fusePartialAggregate(op: LogicalOp): LogicalOp {
  if (op.kind !== 'allToAll' || op.op.kind !== 'aggregate' || op.op.inputPartial) return op;
  const child = op.input;
  if (child.kind !== 'read' && child.kind !== 'map') return op;
  const name = `PartialAggregate[${op.op.keys.join(',') || 'all'}]`;
  const stage: LogicalStage = { kind: 'partialAggregate', name, keys: op.op.keys, aggs: op.op.aggs };
  const input = { ...child, name: `${child.name}->${name}`, stages: [...child.stages, stage] };
  // Straight from the read into the aggregation: dictionary-encoded columns may stay encoded.
  if (input.kind === 'read' && child.stages.length === 0) input.readOptions = { ...input.readOptions, keepDictionaries: true };
  return { ...op, op: { ...op.op, inputPartial: true }, input };
}

function sameResources(a: { numCpus: number; numGpus: number }, b: { numCpus: number; numGpus: number }): boolean {
  return a.numCpus === b.numCpus && a.numGpus === b.numGpus;
}

function fuseCompute(a: Compute, b: Compute): Compute | undefined {
  if (a.kind === 'actors' && b.kind === 'actors') return undefined;
  if (a.kind === 'actors') return a;
  if (b.kind === 'actors') return b;
  if (a.concurrency !== undefined && b.concurrency !== undefined && a.concurrency !== b.concurrency) return undefined;
  return { kind: 'tasks', concurrency: a.concurrency ?? b.concurrency };
}

function fuse(op: LogicalOp): LogicalOp {
  if (op.kind !== 'map') return op;
  const child = op.input;
  if (child.kind === 'map' && sameResources(child.resources, op.resources)) {
    const compute = fuseCompute(child.compute, op.compute);
    if (compute) return { ...op, name: `${child.name}->${op.name}`, input: child.input, stages: [...child.stages, ...op.stages], compute };
  }
  if (child.kind === 'read' && op.compute.kind === 'tasks' && op.compute.concurrency === undefined && op.resources.numCpus === 1 && op.resources.numGpus === 0) {
    return { ...child, name: `${child.name}->${op.name}`, stages: [...child.stages, ...op.stages] };
  }
  return op;
}

function rewrite(op: LogicalOp, rule: (op: LogicalOp) => LogicalOp): LogicalOp {
  let out: LogicalOp;
  switch (op.kind) {
    case 'read':
    case 'input':
      out = op;
      break;
    case 'union':
      out = { ...op, inputs: op.inputs.map((i) => rewrite(i, rule)) };
      break;
    case 'zip':
      out = { ...op, inputs: [rewrite(op.inputs[0], rule), rewrite(op.inputs[1], rule)] };
      break;
    default:
      out = { ...op, input: rewrite(op.input, rule) } as LogicalOp;
  }
  return rule(out);
}

function rewriteTopDown(op: LogicalOp, rule: (op: LogicalOp) => LogicalOp): LogicalOp {
  const out = rule(op);
  switch (out.kind) {
    case 'read':
    case 'input':
      return out;
    case 'union':
      return { ...out, inputs: out.inputs.map((i) => rewriteTopDown(i, rule)) };
    case 'zip':
      return { ...out, inputs: [rewriteTopDown(out.inputs[0], rule), rewriteTopDown(out.inputs[1], rule)] };
    default:
      return { ...out, input: rewriteTopDown(out.input, rule) } as LogicalOp;
  }
}

/** The optimized plan (the input is not changed). */
export function optimize(plan: LogicalOp): LogicalOp {
  let p = rewriteTopDown(plan, pushLimit);
  p = rewrite(p, pushProjection);
  p = rewrite(p, pushAggregateColumns);
  p = rewrite(p, fuse);
  p = rewrite(p, fusePartialAggregate);
  return p;
}
