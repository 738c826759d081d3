/**
 * The remote functions and the actor class that run dataset work in workers. Declared
 * at the top level of this module, so a worker imports it and finds them; importing it
 * also registers every reader and writer (the io package and `range`).
 *
 * Block-producing tasks are streaming generators that yield, per output block, its
 * metadata and then the block (see `emitBlocks`).
 */
import * as ray from '@ray-ts/core';
import { Table, type Vector } from 'apache-arrow';
import type { Block } from '../block.js';
import { concatBlocks } from '../block/block-accessor.js';
import { DataError, DataOperatorError } from '../errors.js';
import { readerFor, writerFor, type ReadOptions, type ReadTask, type WriteResult } from '../io/datasource.js';
import { SchemaMismatchError } from '../io/errors.js';
import '../io/index.js';
import '../sources/range-datasource.js';
import { emitBlocks, type EmitOptions } from './ref-bundle.js';
import { fromArray, runStages } from './stage-runner.js';
import { prepareStages, type PreparedStage, type StageSpec } from './stages.js';

async function findReader(task: ReadTask): Promise<ReturnType<typeof readerFor>> {
  try {
    return readerFor(task.kind);
  } catch (err) {
    // A custom datasource names the module that registers its reader.
    const mod = task.params.readerModule;
    if (typeof mod !== 'string') throw err;
    await import(mod);
    return readerFor(task.kind);
  }
}

async function* guardRead(opName: string, task: ReadTask, blocks: AsyncIterable<Block>): AsyncGenerator<Block> {
  try {
    yield* blocks;
  } catch (err) {
    // A file that does not match the read's schema is the input's fault, not an operator's.
    if (err instanceof DataOperatorError || err instanceof SchemaMismatchError) throw err;
    throw new DataOperatorError(opName, err, { inputFiles: task.paths.length ? task.paths : undefined });
  }
}

/** Reads one read task and runs the fused stages over its blocks. */
export const readTask = ray.remote(async function* readTask(
  task: ReadTask, options: ReadOptions, stages: StageSpec[], opName: string, emit: EmitOptions,
) {
  const reader = await findReader(task);
  const prepared = await prepareStages(stages);
  const blocks = guardRead(opName, task, reader(task.params, options));
  yield* emitBlocks(runStages(blocks, prepared), { ...emit, inputFiles: task.paths.length ? task.paths.slice(0, 8) : undefined });
});

/** Runs fused stages over the input blocks (a task of a map operator). */
export const mapTask = ray.remote(async function* mapTask(stages: StageSpec[], emit: EmitOptions, ...blocks: Block[]) {
  const prepared = await prepareStages(stages);
  yield* emitBlocks(runStages(fromArray(blocks), prepared), emit);
});

/** Runs fused stages, then writes the blocks with the writer of `kind`; returns what was written. */
export const writeTask = ray.remote(async function writeTask(
  sink: { name: string; kind: string; params: Record<string, unknown> }, taskIndex: number, stages: StageSpec[], ...blocks: Block[]
): Promise<WriteResult> {
  const prepared = await prepareStages(stages);
  const writer = writerFor(sink.kind);
  try {
    return await writer(runStages(fromArray(blocks), prepared), sink.params, { taskIndex });
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataOperatorError(sink.name, err);
  }
});

/** Rows `[start, end)` of each input block (one range per block), concatenated into one block. */
export const sliceTask = ray.remote(function sliceBlocks(ranges: [number, number][], ...blocks: Block[]): Block {
  return concatBlocks(blocks.map((b, i) => b.slice(ranges[i]![0], ranges[i]![1])));
});

/**
 * Zips one left block with the rows `[start, end)` of right blocks (one range per right
 * block): the left columns, then the right columns (a name already taken gets `_1`).
 */
export const zipTask = ray.remote(function zipBlocks(rightRanges: [number, number][], left: Block, ...rights: Block[]): Block {
  const right = concatBlocks(rights.map((b, i) => b.slice(rightRanges[i]![0], rightRanges[i]![1])));
  if (right.numRows !== left.numRows) throw new DataOperatorError('Zip', new Error(`left block has ${left.numRows} rows but the right side has ${right.numRows}`));
  const cols: Record<string, Vector> = {};
  for (const f of left.schema.fields) cols[f.name] = left.getChild(f.name)!;
  for (const f of right.schema.fields) {
    let name = f.name;
    for (let k = 1; name in cols; k++) name = `${f.name}_${k}`;
    cols[name] = right.getChild(f.name)!;
  }
  return new Table(cols);
});

/**
 * The actor of an actor-pool map operator: constructs the user's classes once, then
 * runs the fused stages over each input it is given.
 */
export class MapWorkerActor {
  private readonly prepared: Promise<PreparedStage[]>;
  constructor(stages: StageSpec[]) {
    this.prepared = prepareStages(stages);
    this.prepared.catch(() => undefined);
  }

  /** Resolves once the user's classes are constructed (throws their constructor's error). */
  async ready(): Promise<number> {
    await this.prepared;
    return process.pid;
  }

  /** Runs the stages over the input blocks; yields metadata and block per output block. */
  async *process(emit: EmitOptions, ...blocks: Block[]): AsyncGenerator<unknown> {
    const prepared = await this.prepared;
    yield* emitBlocks(runStages(fromArray(blocks), prepared), emit);
  }
}

/** The remote actor class of {@link MapWorkerActor}. */
export const MapWorker = ray.remote(MapWorkerActor);
