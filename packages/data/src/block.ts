/**
 * Blocks: the unit of data in a dataset. A block is an Apache Arrow table; blocks move
 * between operators as ObjectRefs in the ray-ts object store (zero-copy in shared memory).
 */
import type { Table } from 'apache-arrow';

/** A block of rows: an Arrow table. */
export type Block = Table;

/** What the executor knows about a block without reading it. */
export interface BlockMetadata {
  /** Rows in the block. */
  numRows: number;
  /** Approximate bytes of the block's buffers. */
  sizeBytes: number;
  /** Files the block came from (for error messages and lineage). */
  inputFiles?: string[];
}
