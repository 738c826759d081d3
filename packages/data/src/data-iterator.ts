/**
 * DataIterator: consumes a stream of blocks as batches or rows, fetching the next block
 * while the caller works on the current one. `Dataset.iterator()` makes one over a
 * dataset; `Dataset.streamingSplit(n)` makes n that share one execution.
 */
import * as ray from '@ray-ts/core';
import type { Block } from './block.js';
import { blockToRows, type Row } from './block/block-accessor.js';
import { checkBatchFormat, toBatch, type BatchFormat, type ColumnBatch } from './block/batch-format.js';
import type { Table } from 'apache-arrow';
import type { RefBundle } from './execution/ref-bundle.js';
import { shuffledBatches } from './execution/local-shuffle.js';
import { rebatch } from './execution/stage-runner.js';
import { checkKeys, intAtLeast } from './options.js';

/** Options of {@link DataIterator.iterBatches}. */
export interface IterBatchesOptions<F extends BatchFormat = BatchFormat> {
  /** Rows per batch; `null` for whole blocks. @default 256 */
  batchSize?: number | null;
  /** Batch format. @default 'columns' */
  batchFormat?: F;
  /** Drop the last batch when it is smaller than batchSize. @default false */
  dropLast?: boolean;
  /** Blocks fetched ahead of the one being consumed. @default 1 */
  prefetchBlocks?: number;
  /**
   * Shuffle rows locally (Ray's local shuffle buffer): each batch is drawn at random from
   * a buffer of at least this many rows (fewer only at the end of the data). Needs a
   * numeric `batchSize`. @default undefined (no shuffling)
   */
  localShuffleBufferSize?: number;
  /** Seed of the local shuffle, for repeatable order. @default random */
  localShuffleSeed?: number;
}

/** A batch in format F. */
export type BatchOf<F extends BatchFormat> = F extends 'arrow' ? Table : F extends 'rows' ? Row[] : ColumnBatch;

/** Something that yields block bundles (one execution per call). */
export type BundleSource = () => AsyncIterable<RefBundle>;

/** Iterates a dataset's blocks as batches or rows. */
export class DataIterator {
  /** @param source starts an execution and yields its bundles; the iterator releases them. */
  constructor(private readonly source: BundleSource) {}

  /** The blocks, fetched `prefetch` ahead. */
  protected async *blocks(prefetch = 1): AsyncGenerator<Block> {
    const it = this.source()[Symbol.asyncIterator]();
    const ahead: Promise<IteratorResult<Block>>[] = [];
    const fetchNext = async (): Promise<IteratorResult<Block>> => {
      const r = await it.next();
      if (r.done) return { done: true, value: undefined };
      try {
        return { done: false, value: (await ray.get(r.value.ref)) as Block };
      } finally {
        if (r.value.owned) r.value.ref.release();
      }
    };
    try {
      // Pulls are chained so the executor sees one next() at a time.
      let chain: Promise<unknown> = Promise.resolve();
      const enqueue = () => {
        const p = chain.then(fetchNext);
        chain = p.catch(() => undefined);
        ahead.push(p);
      };
      for (let i = 0; i <= prefetch; i++) enqueue();
      for (;;) {
        const r = await ahead.shift()!;
        if (r.done) return;
        enqueue();
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }

  /** Batches of `batchSize` rows in the requested format. Bad options throw here, synchronously. */
  iterBatches<F extends BatchFormat = 'columns'>(options: IterBatchesOptions<F> = {}): AsyncGenerator<BatchOf<F>> {
    checkKeys('iterBatches() options', options, ['batchSize', 'batchFormat', 'dropLast', 'prefetchBlocks', 'localShuffleBufferSize', 'localShuffleSeed']);
    const size = options.batchSize === undefined ? 256 : options.batchSize === null ? null : intAtLeast('iterBatches() options.batchSize', options.batchSize, 1);
    const format = options.batchFormat === undefined ? 'columns' : checkBatchFormat('iterBatches() options.batchFormat', options.batchFormat);
    const prefetch = options.prefetchBlocks === undefined ? 1 : intAtLeast('iterBatches() options.prefetchBlocks', options.prefetchBlocks, 0);
    const buffer = options.localShuffleBufferSize === undefined ? undefined : intAtLeast('iterBatches() options.localShuffleBufferSize', options.localShuffleBufferSize, 1);
    const seed = options.localShuffleSeed === undefined ? undefined : intAtLeast('iterBatches() options.localShuffleSeed', options.localShuffleSeed, 0);
    if (seed !== undefined && buffer === undefined) throw new TypeError('iterBatches() options.localShuffleSeed needs options.localShuffleBufferSize');
    if (buffer !== undefined && size === null) throw new TypeError('iterBatches() options.localShuffleBufferSize needs a numeric batchSize, not null');
    const batches = () => (buffer === undefined ? rebatch(this.blocks(prefetch), size) : shuffledBatches(this.blocks(prefetch), size!, buffer, seed));
    return (async function* () {
      for await (const batch of batches()) {
        if (options.dropLast && size !== null && batch.numRows < size) continue;
        yield toBatch(batch, format) as BatchOf<F>;
      }
    })();
  }

  /** The rows, one by one. */
  async *iterRows(): AsyncGenerator<Row> {
    for await (const block of this.blocks()) yield* blockToRows(block);
  }

  /** Iterating the iterator itself yields rows. */
  [Symbol.asyncIterator](): AsyncGenerator<Row> {
    return this.iterRows();
  }
}
