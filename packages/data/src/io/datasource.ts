/**
 * The contract between datasets and storage. A {@link Datasource} plans the reading in
 * the driver (lists files, splits them) into {@link ReadTask}s: plain data that travels
 * to workers, where the {@link Reader} registered for the task's `kind` turns it into
 * blocks. A {@link Datasink} is the same for writing: each write task runs the
 * {@link Writer} of its kind on a stream of blocks and writes to temporary names; the
 * driver commits (renames) them only when every write task succeeded, or aborts.
 *
 * Readers and writers are registered at the top level of their modules, and
 * `io/index.ts` imports them all, so a worker that imports the data package knows them.
 */
import type { Block } from '../block.js';

/** Options every reader honours (pushed down by the optimizer). */
export interface ReadOptions {
  /** Only these columns (projection pushdown). */
  columns?: string[];
  /** Stop after this many rows (limit pushdown; a reader may return a few more). */
  limit?: number;
  /** Target rows per block the reader yields. */
  blockRows?: number;
  /**
   * Columns stored dictionary-encoded may come as Arrow Dictionary vectors, whose index
   * buffers the reader reuses for its next blocks: only for a consumer that is done with
   * each block before it asks for the next (the optimizer sets it when the read's only
   * consumer is a fused partial aggregation). @default false
   */
  keepDictionaries?: boolean;
}

/** A unit of reading, run in a worker. Plain, serializable data. */
export interface ReadTask {
  /** Which registered reader runs it ('parquet', 'csv', 'json', 'text', 'binary', ...). */
  readonly kind: string;
  /** Reader-specific parameters (paths, byte ranges, parse options, S3 settings). */
  readonly params: Record<string, unknown>;
  /** Files this task reads (for progress and error messages). */
  readonly paths: string[];
  /** Estimates for planning and backpressure, when known. */
  readonly estimatedRows?: number;
  readonly estimatedBytes?: number;
}

/** Plans reading in the driver. */
export interface Datasource {
  /** Name shown in stats and progress, e.g. `ReadParquet`. */
  readonly name: string;
  /** Splits the data into about `parallelism` read tasks. */
  plan(parallelism: number): Promise<ReadTask[]>;
}

/** Turns a read task into blocks, in a worker. */
export type Reader = (params: Record<string, unknown>, options: ReadOptions) => AsyncIterable<Block>;

/** What one write task wrote. */
export interface WriteResult {
  /** Temporary files written (renamed to their final names on commit). */
  files: string[];
  rows: number;
  bytes: number;
}

/** Writes a stream of blocks, in a worker, to temporary names. */
export type Writer = (
  blocks: AsyncIterable<Block>,
  params: Record<string, unknown>,
  ctx: { taskIndex: number },
) => Promise<WriteResult>;

/** Plans and commits writing, in the driver. */
export interface Datasink {
  /** Name shown in stats, e.g. `WriteParquet`. */
  readonly name: string;
  /** Which registered writer runs the write tasks. */
  readonly kind: string;
  /** Writer parameters (destination, format options, S3 settings). */
  readonly params: Record<string, unknown>;
  /** Prepares the destination (create the directory / check the bucket). */
  start(): Promise<void>;
  /** Every write task succeeded: make the files visible under their final names. */
  commit(results: WriteResult[]): Promise<void>;
  /** Something failed: remove what was written; the destination is left as it was. */
  abort(results: WriteResult[]): Promise<void>;
}

const readers = new Map<string, Reader>();
const writers = new Map<string, Writer>();

/** Registers the reader of a kind (at module top level). Duplicate kinds throw. */
export function registerReader(kind: string, reader: Reader): void {
  if (readers.has(kind)) throw new TypeError(`a reader for '${kind}' is already registered`);
  readers.set(kind, reader);
}

/** Registers the writer of a kind (at module top level). Duplicate kinds throw. */
export function registerWriter(kind: string, writer: Writer): void {
  if (writers.has(kind)) throw new TypeError(`a writer for '${kind}' is already registered`);
  writers.set(kind, writer);
}

/** The reader of a kind. */
export function readerFor(kind: string): Reader {
  const r = readers.get(kind);
  if (!r) throw new TypeError(`no reader is registered for '${kind}' (known: ${[...readers.keys()].join(', ')})`);
  return r;
}

/** The writer of a kind. */
export function writerFor(kind: string): Writer {
  const w = writers.get(kind);
  if (!w) throw new TypeError(`no writer is registered for '${kind}' (known: ${[...writers.keys()].join(', ')})`);
  return w;
}
