/**
 * Reading and reshaping blocks: rows and columns out of a block, sizes, slicing,
 * concatenation and row selection. Pure functions, used in workers and in the driver.
 */
import { Table, Type, Vector, vectorFromArray, type Data, type DataType, type Schema } from 'apache-arrow';
import type { Block, BlockMetadata } from '../block.js';
import { emptyBlock, rowsToBlock } from './block-builder.js';
import { compactColumn, takeColumn } from './take-column.js';

/** A plain JS row. */
export type Row = Record<string, unknown>;

/** True for an Arrow table from any copy of apache-arrow (duck-typed). */
export function isArrowTable(x: unknown): x is Table {
  return !!x && typeof x === 'object' && Array.isArray((x as Table).batches) && !!(x as Table).schema && typeof (x as Table).getChild === 'function';
}

function dataBytes(d: Data): number {
  let n = (d.values as ArrayBufferView | undefined)?.byteLength ?? 0;
  n += d.valueOffsets?.byteLength ?? 0;
  n += d.nullBitmap?.byteLength ?? 0;
  n += (d.typeIds as ArrayBufferView | undefined)?.byteLength ?? 0;
  for (const c of d.children ?? []) n += dataBytes(c);
  return n;
}

/** Approximate bytes of a block's buffers. */
export function blockSizeBytes(block: Block): number {
  let n = 0;
  for (const b of block.batches) n += dataBytes(b.data);
  return n;
}

/** Metadata of a block. */
export function blockMetadata(block: Block, inputFiles?: string[]): BlockMetadata {
  const m: BlockMetadata = { numRows: block.numRows, sizeBytes: blockSizeBytes(block) };
  if (inputFiles?.length) m.inputFiles = inputFiles;
  return m;
}

const FLAT_NUMERIC = new Set([Type.Int, Type.Float]);

/** A cell as a plain JS value: structs become objects, lists arrays (typed arrays for numbers). */
export function plainValue(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== 'object') return v ?? null;
  if (v instanceof Vector) {
    if (FLAT_NUMERIC.has(v.type.typeId) && v.nullCount === 0) return v.toArray();
    return Array.from(v, plainValue);
  }
  if (ArrayBuffer.isView(v) || v instanceof Date) return v;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function' && !(Array.isArray(v))) {
    const o = (v as { toJSON(): Record<string, unknown> }).toJSON();
    const out: Row = {};
    for (const [k, x] of Object.entries(o)) out[k] = plainValue(x);
    return out;
  }
  return v;
}

/** The values of a column: a typed array for numbers without nulls, else an array of plain values. */
export function columnValues(col: Vector): ArrayLike<unknown> {
  if (FLAT_NUMERIC.has(col.type.typeId) && col.nullCount === 0) return col.toArray() as ArrayLike<unknown>;
  if (col.type.typeId === Type.Utf8 || col.type.typeId === Type.Bool) return col.toArray() as ArrayLike<unknown>;
  const out = new Array(col.length);
  let i = 0;
  for (const v of col) out[i++] = plainValue(v);
  return out;
}

/** The rows of a block as plain objects. */
export function blockToRows(block: Block): Row[] {
  const names = block.schema.fields.map((f) => f.name);
  const cols = names.map((n) => columnValues(block.getChild(n)!));
  const rows: Row[] = new Array(block.numRows);
  for (let i = 0; i < block.numRows; i++) {
    const r: Row = {};
    for (let c = 0; c < names.length; c++) r[names[c]!] = cols[c]![i] ?? null;
    rows[i] = r;
  }
  return rows;
}

/** The columns of a block (typed arrays where possible). */
export function blockToColumns(block: Block): Record<string, ArrayLike<unknown>> {
  const out: Record<string, ArrayLike<unknown>> = {};
  for (const f of block.schema.fields) out[f.name] = columnValues(block.getChild(f.name)!);
  return out;
}

function sameSchema(a: Schema, b: Schema): boolean {
  if (a.fields.length !== b.fields.length) return false;
  return a.fields.every((f, i) => f.name === b.fields[i]!.name && String(f.type) === String(b.fields[i]!.type));
}

/** Concatenates blocks (zero-copy when their schemas match; otherwise rebuilt from rows with the union of columns). */
export function concatBlocks(blocks: Block[]): Block {
  const nonEmpty = blocks.filter((b) => b.numRows > 0);
  if (nonEmpty.length === 0) return blocks.find((b) => b.numCols > 0) ?? blocks[0] ?? new Table();
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const first = nonEmpty[0]!;
  if (nonEmpty.every((b) => sameSchema(b.schema, first.schema))) {
    // Column-wise, so blocks that differ only in field nullability or metadata still join.
    const cols: Record<string, Vector> = {};
    for (const f of first.schema.fields) cols[f.name] = new Vector(nonEmpty.flatMap((b) => b.getChild(f.name)!.data));
    return new Table(cols);
  }
  return rowsToBlock(nonEmpty.flatMap(blockToRows), first.schema);
}

/** The block with each flat column in one contiguous chunk (for repeated row selection). */
export function compactBlock(block: Block): Block {
  if (block.batches.length <= 1) return block;
  const cols: Record<string, Vector> = {};
  for (const f of block.schema.fields) cols[f.name] = compactColumn(block.getChild(f.name)!);
  return new Table(cols);
}

/** Rows `[start, end)` of a block (zero-copy). */
export function sliceBlock(block: Block, start: number, end: number): Block {
  return block.slice(start, end);
}

/** The rows at `indices`, in that order, keeping the column types. */
export function takeRows(block: Block, indices: ArrayLike<number>): Block {
  if (indices.length === 0) return emptyBlock(block.schema);
  const cols: Record<string, Vector> = {};
  for (const f of block.schema.fields) {
    const col = block.getChild(f.name)!;
    const fast = takeColumn(col, indices);
    if (fast) {
      cols[f.name] = fast;
    } else {
      const vals = columnValues(col);
      cols[f.name] = vectorFromArray(Array.from(indices, (i) => vals[i] ?? null) as never, f.type as DataType);
    }
  }
  return new Table(cols);
}
