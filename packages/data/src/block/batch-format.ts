/**
 * Batch formats: how a block is handed to a user function (`batchFormat`), and how what
 * the function returns becomes a block again.
 */
import type { Table } from 'apache-arrow';
import type { Schema } from 'apache-arrow';
import type { Block } from '../block.js';
import { blockToColumns, blockToRows, isArrowTable, type Row } from './block-accessor.js';
import { columnsToBlock, rowsToBlock } from './block-builder.js';

/**
 * The shape of a batch given to a user function:
 * - `'arrow'`: an Arrow `Table`;
 * - `'columns'`: `Record<string, TypedArray | unknown[]>` (typed arrays for numbers without nulls);
 * - `'rows'`: an array of `Record<string, unknown>` rows.
 */
export type BatchFormat = 'arrow' | 'columns' | 'rows';

/** A batch in columns format. */
export type ColumnBatch = Record<string, ArrayLike<unknown>>;

/** What a batch function may return: any of the formats, whatever format it was given. */
export type BatchResult = Table | ColumnBatch | Row[];

const FORMATS = new Set<BatchFormat>(['arrow', 'columns', 'rows']);

/** Checks a batchFormat option; throws TypeError naming the option. */
export function checkBatchFormat(where: string, f: unknown): BatchFormat {
  if (!FORMATS.has(f as BatchFormat)) throw new TypeError(`${where} must be 'arrow', 'columns' or 'rows', got ${JSON.stringify(f)}`);
  return f as BatchFormat;
}

/** A block in the given format. */
export function toBatch(block: Block, format: BatchFormat): Table | ColumnBatch | Row[] {
  if (format === 'arrow') return block;
  if (format === 'columns') return blockToColumns(block);
  return blockToRows(block);
}

/** Turns what a batch function returned into a block (`hint` keeps unchanged column types). */
export function fromBatchResult(result: unknown, hint?: Schema): Block {
  if (isArrowTable(result)) return result;
  if (Array.isArray(result)) return rowsToBlock(result as Row[], hint);
  if (result && typeof result === 'object' && (result as { schema?: unknown }).schema && (result as { numRows?: unknown }).numRows !== undefined) {
    // An Arrow RecordBatch.
    const rb = result as { schema: Schema; numRows: number; getChildAt(i: number): unknown };
    const cols: Record<string, ArrayLike<unknown>> = {};
    rb.schema.fields.forEach((f, i) => (cols[f.name] = rb.getChildAt(i) as ArrayLike<unknown>));
    return columnsToBlock(cols, hint);
  }
  if (result && typeof result === 'object') return columnsToBlock(result as ColumnBatch, hint);
  throw new TypeError(
    `a batch function must return an Arrow Table, an object of columns or an array of rows, got ${result === null ? 'null' : typeof result}`,
  );
}

/** A short JSON preview of a row or batch for error messages. */
export function preview(value: unknown, max = 200): string {
  let s: string;
  try {
    s = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? `<${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})>` : v));
  } catch {
    s = String(value);
  }
  if (s === undefined) s = String(value);
  return s.length > max ? `${s.slice(0, max)}...` : s;
}
