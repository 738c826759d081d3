/**
 * Runs prepared stages over a stream of blocks, in a task or an actor. Each stage turns
 * a stream of blocks into another; a user function that throws becomes a
 * {@link DataOperatorError} naming the stage and the row (or batch) it failed on.
 */
import { Table, type Vector } from 'apache-arrow';
import type { Block } from '../block.js';
import { blockToRows, concatBlocks, sliceBlock, takeRows, type Row } from '../block/block-accessor.js';
import { buildVector, rowsToBlock } from '../block/block-builder.js';
import { fromBatchResult, preview, toBatch } from '../block/batch-format.js';
import { DataError, DataOperatorError, type FailureLocation } from '../errors.js';
import { Aggregator } from './all-to-all/aggregate-states.js';
import type { PreparedStage } from './stages.js';

type Blocks = AsyncIterable<Block>;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return !!v && typeof (v as PromiseLike<unknown>).then === 'function';
}

function fail(stage: PreparedStage, err: unknown, where: FailureLocation): unknown {
  const e = stage.explain(err);
  if (e instanceof DataError) return e;
  return new DataOperatorError(stage.spec.name, e, where);
}

async function callOn(stage: PreparedStage, input: unknown, where: () => FailureLocation): Promise<unknown> {
  try {
    const out = stage.call!(input);
    return isThenable(out) ? await out : out;
  } catch (err) {
    throw fail(stage, err, where());
  }
}

async function* rowStage(stage: PreparedStage, input: Blocks): AsyncGenerator<Block> {
  const kind = stage.spec.kind;
  let index = 0;
  for await (const block of input) {
    const rows = blockToRows(block);
    const out: Row[] = [];
    const keep: number[] = [];
    for (let i = 0; i < rows.length; i++, index++) {
      const row = rows[i]!;
      const at = index;
      let r: unknown;
      try {
        r = stage.call!(row);
        if (isThenable(r)) r = await r;
      } catch (err) {
        throw fail(stage, err, { rowIndex: at, inputPreview: preview(row) });
      }
      if (kind === 'filter') {
        if (r) keep.push(i);
      } else if (kind === 'map') {
        if (r === null || typeof r !== 'object' || Array.isArray(r)) {
          throw fail(stage, new TypeError(`a map function must return a row object, got ${Array.isArray(r) ? 'an array' : r === null ? 'null' : typeof r}`), { rowIndex: at, inputPreview: preview(row) });
        }
        out.push(r as Row);
      } else {
        if (r == null || typeof (r as Iterable<Row>)[Symbol.iterator] !== 'function') {
          throw fail(stage, new TypeError(`a flatMap function must return an array of rows, got ${r === null ? 'null' : typeof r}`), { rowIndex: at, inputPreview: preview(row) });
        }
        for (const x of r as Iterable<Row>) out.push(x);
      }
    }
    if (kind === 'filter') yield keep.length === rows.length ? block : takeRows(block, keep);
    else yield rowsToBlock(out, block.schema);
  }
}

/** Re-chunks a stream of blocks into batches of exactly `size` rows (the last may be smaller). */
export async function* rebatch(input: Blocks, size: number | null): AsyncGenerator<Block> {
  if (size === null) {
    for await (const b of input) if (b.numRows > 0) yield b;
    return;
  }
  let pending: Block[] = [];
  let rows = 0;
  for await (const b of input) {
    let off = 0;
    while (off < b.numRows) {
      const take = Math.min(size - rows, b.numRows - off);
      pending.push(off === 0 && take === b.numRows ? b : sliceBlock(b, off, off + take));
      rows += take;
      off += take;
      if (rows === size) {
        yield concatBlocks(pending);
        pending = [];
        rows = 0;
      }
    }
  }
  if (rows > 0) yield concatBlocks(pending);
}

async function* batchStage(stage: PreparedStage, input: Blocks): AsyncGenerator<Block> {
  const spec = stage.spec as Extract<PreparedStage['spec'], { kind: 'mapBatches' }>;
  let batchIndex = 0;
  for await (const batch of rebatch(input, spec.batchSize)) {
    const at = batchIndex++;
    const where = (): FailureLocation => ({ batchIndex: at, inputPreview: preview(blockToRows(batch.slice(0, 2))) });
    const result = await callOn(stage, toBatch(batch, spec.batchFormat), where);
    if (result && typeof result === 'object' && (Symbol.asyncIterator in result || (Symbol.iterator in result && !Array.isArray(result) && typeof (result as { next?: unknown }).next === 'function'))) {
      const it = result as AsyncIterable<unknown>;
      try {
        for await (const part of it) yield fromBatchResult(part, batch.schema);
      } catch (err) {
        throw fail(stage, err, where());
      }
    } else {
      try {
        yield fromBatchResult(result, batch.schema);
      } catch (err) {
        throw fail(stage, err, where());
      }
    }
  }
}

async function* addColumnStage(stage: PreparedStage, input: Blocks): AsyncGenerator<Block> {
  const spec = stage.spec as Extract<PreparedStage['spec'], { kind: 'addColumn' }>;
  let batchIndex = 0;
  for await (const block of input) {
    const at = batchIndex++;
    const where = (): FailureLocation => ({ batchIndex: at, inputPreview: preview(blockToRows(block.slice(0, 2))) });
    const values = await callOn(stage, toBatch(block, spec.batchFormat), where);
    let vec: Vector;
    try {
      if (values == null || typeof (values as ArrayLike<unknown>).length !== 'number') throw new TypeError(`addColumn('${spec.column}') function must return an array of values, got ${values === null ? 'null' : typeof values}`);
      if ((values as ArrayLike<unknown>).length !== block.numRows) throw new TypeError(`addColumn('${spec.column}') function returned ${(values as ArrayLike<unknown>).length} values for ${block.numRows} rows`);
      vec = buildVector(values as ArrayLike<unknown>, spec.column);
    } catch (err) {
      throw fail(stage, err, where());
    }
    const cols: Record<string, Vector> = {};
    for (const f of block.schema.fields) cols[f.name] = block.getChild(f.name)!;
    cols[spec.column] = vec;
    yield new Table(cols);
  }
}

function missing(stage: string, block: Block, names: readonly string[]): void {
  const have = new Set(block.schema.fields.map((f) => f.name));
  const bad = names.filter((n) => !have.has(n));
  if (bad.length) throw new DataOperatorError(stage, new TypeError(`column(s) ${bad.map((b) => `'${b}'`).join(', ')} not found; the columns are ${[...have].join(', ')}`));
}

async function* projectStage(stage: PreparedStage, input: Blocks): AsyncGenerator<Block> {
  const spec = stage.spec as Extract<PreparedStage['spec'], { kind: 'project' }>;
  for await (const block of input) {
    let out = block;
    if (spec.select) {
      missing(spec.name, out, spec.select);
      out = out.select(spec.select as string[]);
    }
    if (spec.drop) {
      const drop = new Set(spec.drop);
      out = out.select(out.schema.fields.map((f) => f.name).filter((n) => !drop.has(n)));
    }
    if (spec.rename) {
      missing(spec.name, out, Object.keys(spec.rename));
      const cols: Record<string, Vector> = {};
      for (const f of out.schema.fields) cols[spec.rename[f.name] ?? f.name] = out.getChild(f.name)!;
      out = new Table(cols);
    }
    yield out;
  }
}

async function* limitStage(n: number, input: Blocks): AsyncGenerator<Block> {
  let left = n;
  if (left <= 0) return;
  for await (const block of input) {
    if (block.numRows <= left) {
      left -= block.numRows;
      yield block;
    } else {
      yield sliceBlock(block, 0, left);
      left = 0;
    }
    if (left === 0) return;
  }
}

/** Groups a partial aggregation holds before it emits a block of states and starts over. */
const PARTIAL_FLUSH_GROUPS = 65_536;

async function* partialAggregateStage(stage: PreparedStage, input: Blocks): AsyncGenerator<Block> {
  const spec = stage.spec as Extract<PreparedStage['spec'], { kind: 'partialAggregate' }>;
  let agg = new Aggregator(spec.keys, spec.aggs);
  for await (const block of input) {
    try {
      agg.addRows(block);
    } catch (err) {
      throw err instanceof DataError ? err : new DataOperatorError(spec.name, err, { inputPreview: preview(blockToRows(block.slice(0, 2))) });
    }
    if (agg.numGroups >= PARTIAL_FLUSH_GROUPS) {
      yield agg.partialBlock();
      agg = new Aggregator(spec.keys, spec.aggs);
    }
  }
  if (agg.numGroups > 0) yield agg.partialBlock();
}

/** Runs the stages over the input blocks, in order; empty blocks are dropped between stages. */
export function runStages(input: Blocks, stages: readonly PreparedStage[]): Blocks {
  let stream = input;
  for (const stage of stages) {
    const s = stage.spec;
    const src = stream;
    if (s.kind === 'map' || s.kind === 'flatMap' || s.kind === 'filter') stream = rowStage(stage, src);
    else if (s.kind === 'mapBatches') stream = batchStage(stage, src);
    else if (s.kind === 'addColumn') stream = addColumnStage(stage, src);
    else if (s.kind === 'project') stream = projectStage(stage, src);
    else if (s.kind === 'limit') stream = limitStage(s.n, src);
    else if (s.kind === 'partialAggregate') stream = partialAggregateStage(stage, src);
  }
  return stream;
}

/** An async iterable over an array of blocks. */
export async function* fromArray(blocks: readonly Block[]): Blocks {
  for (const b of blocks) yield b;
}
