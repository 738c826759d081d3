/**
 * The two halves of a distributed shuffle, as pure functions: a map task splits each
 * block into partitions ({@link partitionBlock}); a reduce task merges the pieces of one
 * partition from every block ({@link reduceParts}). Repartition, randomShuffle, sort,
 * groupBy().aggregate and groupBy().mapGroups differ only in these specs.
 */
import type { AggregateSpec } from '../../aggregate.js';
import type { Block } from '../../block.js';
import { compactBlock, concatBlocks, takeRows } from '../../block/block-accessor.js';
import { runStages, fromArray } from '../stage-runner.js';
import type { PreparedStage } from '../stages.js';
import { aggregateRows, finalAggregate, partialAggregate } from './aggregate-states.js';
import { compareKeys, keyAt, keyColumns, seededRandom, type KeyTuple, type SortKey } from './sort-key.js';
import { bucketRows, rangeAssign, sortOrder } from './sort-fast.js';

/** How a map task assigns rows to partitions. */
export type PartitionSpec =
  | { readonly kind: 'range'; readonly key: SortKey; readonly boundaries: KeyTuple[]; readonly partial?: { keys: string[]; aggs: AggregateSpec[] } }
  | { readonly kind: 'random'; readonly seed: number; readonly parts: number }
  | { readonly kind: 'roundRobin'; readonly parts: number };

/** How a reduce task merges one partition. */
export type ReduceSpec =
  | { readonly kind: 'concat' }
  | { readonly kind: 'sort'; readonly key: SortKey }
  | { readonly kind: 'shuffle'; readonly seed: number }
  /** Merges partial states into final values; `raw`: the pieces are rows, not yet aggregated. */
  | { readonly kind: 'aggregate'; readonly keys: string[]; readonly aggs: AggregateSpec[]; readonly raw?: boolean }
  | { readonly kind: 'mapGroups'; readonly key: SortKey };

/** Number of partitions a spec makes. */
export function partitionCount(spec: PartitionSpec): number {
  return spec.kind === 'range' ? spec.boundaries.length + 1 : spec.parts;
}

/** Splits a block into partitions (some may be empty). `blockIndex` varies the random seed per block. */
export function partitionBlock(block: Block, spec: PartitionSpec, blockIndex: number): Block[] {
  const parts = partitionCount(spec);
  if (spec.kind === 'range' && spec.partial) block = partialAggregate(block, spec.partial.keys, spec.partial.aggs);
  let assign: Uint32Array;
  if (spec.kind === 'range') {
    assign = rangeAssign(block, spec.key, spec.boundaries);
  } else if (spec.kind === 'random') {
    assign = new Uint32Array(block.numRows);
    const rand = seededRandom(spec.seed * 7919 + blockIndex * 104729 + 1);
    for (let i = 0; i < block.numRows; i++) assign[i] = Math.floor(rand() * parts);
  } else {
    assign = new Uint32Array(block.numRows);
    for (let i = 0; i < block.numRows; i++) assign[i] = (i + blockIndex) % parts;
  }
  const { rows, starts } = bucketRows(assign, parts);
  if (parts > 1) block = compactBlock(block); // several row selections from one block: copy its chunks together once
  return Array.from({ length: parts }, (_, p) => {
    const n = starts[p + 1]! - starts[p]!;
    return n === block.numRows ? block : takeRows(block, rows.subarray(starts[p]!, starts[p + 1]!));
  });
}

/** A random permutation of the rows (seeded). */
function shuffleRows(block: Block, seed: number): Block {
  const rand = seededRandom(seed);
  const idx = Uint32Array.from({ length: block.numRows }, (_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return takeRows(block, idx);
}

/** Contiguous groups of equal key in a block sorted by the key. */
function groupSlices(sorted: Block, key: SortKey): Block[] {
  const cols = keyColumns(sorted, key);
  const out: Block[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.numRows; i++) {
    if (i === sorted.numRows || compareKeys(keyAt(cols, i), keyAt(cols, start), key.descending) !== 0) {
      out.push(sorted.slice(start, i));
      start = i;
    }
  }
  return out;
}

/**
 * Merges the pieces of one partition. `stage` is the prepared mapGroups function for
 * `mapGroups` (each group is one batch).
 */
export async function* reduceParts(spec: ReduceSpec, parts: Block[], partIndex: number, stage?: PreparedStage): AsyncGenerator<Block> {
  if (spec.kind === 'aggregate') {
    const out = spec.raw ? aggregateRows(parts, spec.keys, spec.aggs) : finalAggregate(parts, spec.keys, spec.aggs);
    if (out.numRows > 0) yield out;
    return;
  }
  const all = concatBlocks(parts);
  if (all.numRows === 0) return;
  switch (spec.kind) {
    case 'concat':
      yield all;
      return;
    case 'sort':
      yield all.numRows <= 1 ? all : takeRows(all, sortOrder(all, spec.key));
      return;
    case 'shuffle':
      yield shuffleRows(all, spec.seed * 31 + partIndex + 7);
      return;
    case 'mapGroups': {
      const sorted = takeRows(all, sortOrder(all, spec.key));
      yield* runStages(fromArray(groupSlices(sorted, spec.key)), [stage!]);
    }
  }
}
