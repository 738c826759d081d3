/**
 * Where the fast Parquet path writes one column chunk: the buffers of an Arrow `Data`
 * (32-bit words of fixed-width values, or UTF-8/binary bytes and offsets, plus validity),
 * filled page by page. In dictionary mode (`keepDictionary`, for consumers such as a fused
 * partial aggregation) a chunk whose pages are all dictionary-encoded becomes an Arrow
 * `Dictionary` vector: the row indices and the dictionary values, no value per row. A
 * PLAIN page in the middle turns it back into values.
 */
import { Dictionary as ArrowDictionary, Int32, makeData, makeVector, Uint16, type Data, type Utf8 } from 'apache-arrow';
import type { FlatColumn } from './parquet-pages.js';

/**
 * Reuses the index buffer of one column from row group to row group. Only for readers
 * whose consumer is done with a block before it asks for the next (a fused partial
 * aggregation): the previous row group's indices are overwritten.
 */
export class IndexBuffers {
  private buf: Int32Array | Uint16Array | undefined;

  /** An index array of `n` entries, 16-bit when `narrow`. */
  get(n: number, narrow: boolean): Int32Array | Uint16Array {
    const b = this.buf;
    if (b && b.length >= n && (b instanceof Uint16Array) === narrow) return b.subarray(0, n);
    this.buf = narrow ? new Uint16Array(n) : new Int32Array(n);
    return this.buf;
  }
}

/** Decoded dictionary: 32-bit words (fixed width) or offsets and bytes. */
export type Dictionary = { words: Int32Array; f64: Float64Array; size: number } | { offsets: Int32Array; bytes: Uint8Array; size: number };

/** Where decoded rows go: words of fixed-width values or UTF-8/binary bytes, plus validity. */
export class Output {
  readonly wordsPer: number;
  words: Int32Array;
  /** `words` as doubles (for DOUBLE columns). */
  f64: Float64Array;
  offsets: Int32Array;
  bytes: Uint8Array;
  byteLength = 0;
  bitmap: Uint8Array | undefined;
  nullCount = 0;
  /** Dictionary mode: the dictionary index of each row (the values stay in `dict`); 16-bit for up to 65,536 entries. */
  private indices: Int32Array | Uint16Array | undefined;
  private dict: Dictionary | undefined;

  constructor(
    readonly col: FlatColumn,
    readonly rows: number,
    private readonly sizeHint: number,
    private dictMode = false,
    private readonly reuse?: IndexBuffers,
  ) {
    this.wordsPer = col.physical === 'INT64' || col.physical === 'DOUBLE' ? 2 : 1;
    this.words = new Int32Array(0);
    this.f64 = new Float64Array(0);
    this.offsets = new Int32Array(0);
    this.bytes = new Uint8Array(0);
    if (!dictMode) this.allocValues();
  }

  private allocValues(): void {
    const fixed = this.col.physical !== 'BYTE_ARRAY';
    this.words = new Int32Array(fixed ? this.rows * this.wordsPer : 0);
    this.f64 = new Float64Array(this.wordsPer === 2 ? this.words.buffer : new ArrayBuffer(0));
    this.offsets = new Int32Array(fixed ? 0 : this.rows + 1);
    this.bytes = new Uint8Array(fixed ? 0 : Math.max(64, this.sizeHint));
  }

  /**
   * Where a page without nulls can unpack its indices in place (rows `row...`), or
   * undefined when the indices go through {@link putIndices} (values, or nulls to skip).
   */
  indexTarget(row: number, n: number, dict: Dictionary): Int32Array | Uint16Array | undefined {
    if (this.dictMode && this.dict && this.dict !== dict) this.toValues(row);
    if (!this.dictMode) return undefined;
    this.dict = dict;
    return this.indexArray(dict).subarray(row, row + n);
  }

  private indexArray(dict: Dictionary): Int32Array | Uint16Array {
    const narrow = dict.size <= 65536;
    this.indices ??= this.reuse ? this.reuse.get(this.rows, narrow) : narrow ? new Uint16Array(this.rows) : new Int32Array(this.rows);
    return this.indices;
  }

  /**
   * Rows `row...` of a dictionary-encoded page (`idx`: the indices of the rows with a
   * value; `defs`: which rows have one, null when all do): kept as indices in dictionary
   * mode, else gathered into values. Returns the largest index (checked by the caller).
   */
  putIndices(row: number, n: number, defs: Uint8Array | null, idx: Int32Array, dict: Dictionary): number {
    if (this.dictMode && this.dict && this.dict !== dict) this.toValues(row);
    if (!this.dictMode) return gather(this, row, n, defs, idx, dict);
    this.dict = dict;
    const out = this.indexArray(dict);
    let max = 0;
    for (let i = 0, k = 0; i < n; i++) {
      if (defs && !defs[i]) continue;
      const d = idx[k++]!;
      if (d > max) max = d;
      out[row + i] = d;
    }
    return max;
  }

  /** Makes rows before `row` values (a page that is not dictionary-encoded comes next at `row`). */
  toValues(row: number): void {
    if (!this.dictMode) return;
    this.dictMode = false;
    this.allocValues();
    const indices = this.indices;
    const dict = this.dict;
    this.indices = undefined;
    if (!indices || !dict || row === 0) return;
    const defs = new Uint8Array(row);
    const idx = new Int32Array(row);
    let k = 0;
    for (let r = 0; r < row; r++) {
      const valid = !this.bitmap || (this.bitmap[r >> 3]! & (1 << (r & 7))) !== 0;
      defs[r] = valid ? 1 : 0;
      if (valid) idx[k++] = indices[r]!;
    }
    gather(this, 0, row, this.nullCount ? defs : null, idx, dict);
  }

  /** Marks row `r` null (allocating the bitmap on the first null). */
  setNull(r: number): void {
    if (!this.bitmap) this.bitmap = new Uint8Array((this.rows + 7) >> 3).fill(0xff);
    this.bitmap[r >> 3]! &= ~(1 << (r & 7));
    this.nullCount++;
  }

  /** Makes room for `more` bytes. */
  reserve(more: number): void {
    const b = new Uint8Array(Math.max(this.byteLength + more, this.bytes.length * 2));
    b.set(this.bytes.subarray(0, this.byteLength));
    this.bytes = b;
  }

  /** The Arrow data of the column. */
  finish(): Data {
    const { col, rows } = this;
    const validity = { nullCount: this.nullCount, nullBitmap: this.nullCount ? this.bitmap : undefined };
    if (this.dictMode && this.indices && this.dict) {
      const type = new ArrowDictionary(col.type, this.indices instanceof Uint16Array ? new Uint16() : new Int32());
      return makeData({ type, length: rows, ...validity, data: this.indices, dictionary: makeVector(dictionaryData(col, this.dict)) });
    }
    if (this.dictMode) this.toValues(0);
    if (col.physical === 'BYTE_ARRAY') {
      return makeData({ type: col.type as Utf8, length: rows, ...validity, valueOffsets: this.offsets, data: this.bytes.subarray(0, this.byteLength) });
    }
    return makeData({ type: col.type, length: rows, ...validity, data: typedValues(col, this.words, this.wordsPer, rows) } as never);
  }
}

/** The values of `words` as the column type's typed array (narrow int types converted). */
function typedValues(col: FlatColumn, words: Int32Array, wordsPer: number, rows: number): unknown {
  const T = col.type.ArrayType as unknown as { new (b: ArrayBuffer, o?: number, n?: number): ArrayLike<number>; BYTES_PER_ELEMENT: number; new (n: number): ArrayLike<number> & { set(a: ArrayLike<number>): void } };
  if (T.BYTES_PER_ELEMENT === 4 * wordsPer) return new T(words.buffer as ArrayBuffer, words.byteOffset, rows);
  const narrow = new T(rows);
  narrow.set(words.subarray(0, rows));
  return narrow;
}

/** The Arrow data of a dictionary's values. */
function dictionaryData(col: FlatColumn, dict: Dictionary): Data {
  if ('words' in dict) {
    const wordsPer = col.physical === 'INT64' || col.physical === 'DOUBLE' ? 2 : 1;
    return makeData({ type: col.type, length: dict.size, nullCount: 0, data: typedValues(col, dict.words, wordsPer, dict.size) } as never);
  }
  return makeData({ type: col.type as Utf8, length: dict.size, nullCount: 0, valueOffsets: dict.offsets, data: dict.bytes });
}

/** Plain values of a dictionary page. */
export function readDictionary(page: Uint8Array, count: number, col: FlatColumn): Dictionary {
  if (col.physical !== 'BYTE_ARRAY') {
    const n = count * (col.physical === 'INT64' || col.physical === 'DOUBLE' ? 2 : 1);
    const words = new Int32Array(n + (n & 1));
    new Uint8Array(words.buffer).set(page.subarray(0, n * 4));
    return { words, f64: new Float64Array(words.buffer), size: count };
  }
  const offsets = new Int32Array(count + 1);
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(pos, true);
    offsets[i + 1] = offsets[i]! + len;
    pos += 4 + len;
  }
  const bytes = new Uint8Array(offsets[count]!);
  pos = 0;
  for (let i = 0; i < count; i++) {
    const len = offsets[i + 1]! - offsets[i]!;
    bytes.set(page.subarray(pos + 4, pos + 4 + len), offsets[i]!);
    pos += 4 + len;
  }
  return { offsets, bytes, size: count };
}

/** Copies `src[start, end)` to the end of the output bytes (a loop for short values: no subarray objects). */
export function copyBytes(out: Output, src: Uint8Array, start: number, end: number): void {
  const len = end - start;
  if (out.byteLength + len > out.bytes.length) out.reserve(len);
  const dst = out.bytes;
  let at = out.byteLength;
  if (len < 32) for (let i = start; i < end; i++) dst[at++] = src[i]!;
  else dst.set(src.subarray(start, end), at);
  out.byteLength += len;
}

/**
 * Gathers dictionary entries `idx` into rows `row...` (`defs`: which rows have a value;
 * null when all do). Returns the largest index used (checked against the dictionary after).
 */
export function gather(out: Output, row: number, n: number, defs: Uint8Array | null, idx: Int32Array, dict: Dictionary): number {
  let max = 0;
  if ('words' in dict) {
    if (out.col.physical === 'DOUBLE') {
      // Doubles move as doubles (one load and store; 64-bit integers move as word pairs below).
      const dv = dict.f64;
      const ov = out.f64;
      if (!defs) {
        for (let i = 0; i < n; i++) {
          const d = idx[i]!;
          if (d > max) max = d;
          ov[row + i] = dv[d]!;
        }
      } else {
        for (let i = 0, k = 0; i < n; i++) {
          if (!defs[i]) continue;
          const d = idx[k++]!;
          if (d > max) max = d;
          ov[row + i] = dv[d]!;
        }
      }
      return max;
    }
    const dw = dict.words;
    const ow = out.words;
    if (out.wordsPer === 1) {
      if (!defs) {
        for (let i = 0; i < n; i++) {
          const d = idx[i]!;
          if (d > max) max = d;
          ow[row + i] = dw[d]!;
        }
      } else {
        for (let i = 0, k = 0; i < n; i++) {
          if (!defs[i]) continue;
          const d = idx[k++]!;
          if (d > max) max = d;
          ow[row + i] = dw[d]!;
        }
      }
    } else {
      for (let i = 0, k = 0; i < n; i++) {
        if (defs && !defs[i]) continue;
        const d = idx[k++]!;
        if (d > max) max = d;
        const r = 2 * (row + i);
        ow[r] = dw[2 * d]!;
        ow[r + 1] = dw[2 * d + 1]!;
      }
    }
    return max;
  }
  const { offsets, bytes } = dict;
  for (let i = 0, k = 0; i < n; i++) {
    if (!defs || defs[i]) {
      const d = idx[k++]!;
      if (d > max) max = d;
      if (d < dict.size) copyBytes(out, bytes, offsets[d]!, offsets[d + 1]!);
    }
    out.offsets[row + i + 1] = out.byteLength;
  }
  return max;
}

