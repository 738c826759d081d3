/**
 * What flows between operators: refs to blocks in the object store with their metadata,
 * and the stream protocol of block-producing tasks (metadata first, then the block).
 */
import * as ray from '@ray-ts/core';
import type { ObjectRef } from '@ray-ts/core';
import type { Block, BlockMetadata } from '../block.js';
import { blockMetadata, concatBlocks } from '../block/block-accessor.js';

/** Metadata of a block made by a task. */
export interface BlockMeta extends BlockMetadata {
  /** Milliseconds the task spent making this block. */
  execMs?: number;
}

/** A block in the object store and what is known about it. */
export interface RefBundle {
  readonly ref: ObjectRef<Block>;
  readonly meta: BlockMeta;
  /** True when the executor made the block and frees it once consumed (false for materialized inputs). */
  readonly owned: boolean;
}

/** Coalescing targets of task output. */
export interface EmitOptions {
  /** Flush an output block at this many rows. */
  targetRows: number;
  /** Flush an output block at this many bytes. */
  targetBytes: number;
  /** Flush at `targetRows` only once the block holds this many bytes. @default 0 */
  minBytes?: number;
  inputFiles?: string[];
}

/** What a block-producing task yields per output block: small, so it travels inline. */
export interface BlockItem {
  meta: BlockMeta;
  /** The block, put into the object store by the task. */
  block: ObjectRef<Block>;
}

/**
 * Coalesces a task's output blocks and yields, per output block, a {@link BlockItem}:
 * its metadata and a ref to the block, which the task puts into the object store itself
 * (large values cannot be yielded directly: see the README's known gaps). A task error
 * becomes the stream's last item, which the driver reads like the others.
 */
export async function* emitBlocks(blocks: AsyncIterable<Block>, opts: EmitOptions): AsyncGenerator<BlockItem> {
  let pending: Block[] = [];
  let rows = 0;
  let bytes = 0;
  let last = performance.now();
  const flush = function* (): Generator<BlockItem> {
    const block = concatBlocks(pending);
    pending = [];
    rows = 0;
    bytes = 0;
    const now = performance.now();
    const meta: BlockMeta = { ...blockMetadata(block, opts.inputFiles), execMs: now - last };
    last = now;
    const ref = ray.put(block);
    yield { meta, block: ref };
    // The yielded item holds the block now (it was stored when the generator resumed).
    ref.release();
  };
  const signal = ray.getRuntimeContext().signal;
  for await (const b of blocks) {
    if (signal?.aborted) return; // cancelled (a limit was reached, or the consumer stopped)
    if (b.numRows === 0) continue;
    pending.push(b);
    rows += b.numRows;
    bytes += blockMetadata(b).sizeBytes;
    if ((rows >= opts.targetRows && bytes >= (opts.minBytes ?? 0)) || bytes >= opts.targetBytes) {
      yield* flush();
      // Core sends a worker's messages when its event loop turns; a task that only awaits
      // microtasks would hold every yielded block back until it ends.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (pending.length) yield* flush();
}
