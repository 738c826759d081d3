/**
 * The remote functions of all-to-all operators: key sampling, shuffle map (partition a
 * block) and shuffle reduce (merge one partition). Top-level, so workers find them.
 */
import * as ray from '@ray-ts/core';
import type { Block } from '../../block.js';
import { blockMetadata, concatBlocks } from '../../block/block-accessor.js';
import { DataError, DataOperatorError } from '../../errors.js';
import { emitBlocks, type BlockItem, type EmitOptions } from '../ref-bundle.js';
import { prepareStages, type StageSpec } from '../stages.js';
import { partitionBlock, reduceParts, type PartitionSpec, type ReduceSpec } from './shuffle-ops.js';
import { sampleKeys, type KeyTuple, type SortKey } from './sort-key.js';

function named<T>(opName: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataOperatorError(opName, err);
  }
}

/** About `n` evenly spaced keys of each block (for range boundaries). */
export const sampleTask = ray.remote(function sampleBlockKeys(opName: string, key: SortKey, n: number, ...blocks: Block[]): KeyTuple[] {
  return named(opName, () => blocks.flatMap((b) => sampleKeys(b, key, n)));
});

/**
 * Splits blocks (one map task's share of the input, concatenated) into partitions;
 * returns the partitions and, last, their metadata (numReturns = parts + 1).
 */
export const shuffleMapTask = ray.remote(function shuffleMap(opName: string, spec: PartitionSpec, blockIndex: number, ...blocks: Block[]): unknown[] {
  return named(opName, () => {
    const parts = partitionBlock(concatBlocks(blocks), spec, blockIndex);
    return [...parts, parts.map((p) => blockMetadata(p))];
  });
});

/** Merges one partition from the pieces of every block; yields metadata and block per output block. */
export const shuffleReduceTask = ray.remote(async function* shuffleReduce(
  opName: string, spec: ReduceSpec, partIndex: number, stage: StageSpec | null, emit: EmitOptions, ...parts: Block[]
): AsyncGenerator<BlockItem> {
  const prepared = stage ? (await prepareStages([stage]))[0] : undefined;
  try {
    yield* emitBlocks(reduceParts(spec, parts, partIndex, prepared), emit);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataOperatorError(opName, err);
  }
});
