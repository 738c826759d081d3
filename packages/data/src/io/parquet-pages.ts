/**
 * A fast path for the common parquet column: flat (not nested), INT32 / INT64 / FLOAT /
 * DOUBLE / BYTE_ARRAY, PLAIN or dictionary encoded, data pages v1 or v2, any codec
 * hyparquet-compressors knows. One column chunk (a column of a row group) is decoded
 * straight into the buffers of an Arrow `Data`: values are copied as 32-bit words,
 * dictionary indices and definition levels are unpacked into typed arrays, strings stay
 * UTF-8 bytes. Anything else (nested columns, other encodings, decimals, INT96, ...)
 * throws {@link FastPathUnsupported} and the caller reads that column with hyparquet.
 */
import { Binary, DataType, Float32, Float64, Utf8, type Data } from 'apache-arrow';
import type { CompressionCodec, Compressors, PageHeader, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { copyBytes, Output, readDictionary, type Dictionary, type IndexBuffers } from './parquet-output.js';
import { decodedMax, decodeHybrid } from './parquet-rle.js';

/** Switch for tests and benchmarks: with `enabled` false every column goes through hyparquet. */
export const fastPathSetting = { enabled: true, /** Column chunks decoded by the fast path (in this process). */ decoded: 0 };

/** Thrown when a column chunk needs the general (hyparquet) decoder. */
export class FastPathUnsupported extends Error {}

/** A flat column the fast path reads. */
export interface FlatColumn {
  readonly physical: 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY';
  readonly optional: boolean;
  /** The Arrow type of the column. */
  readonly type: DataType;
}

/** The fast-path description of a top-level column, or undefined when it needs hyparquet. */
export function flatColumn(node: SchemaTree, type: DataType): FlatColumn | undefined {
  const e = node.element;
  if (!fastPathSetting.enabled || node.children.length > 0 || e.repetition_type === 'REPEATED') return undefined;
  const optional = e.repetition_type !== 'REQUIRED';
  const lt = e.logical_type?.type;
  switch (e.type) {
    case 'INT32':
      return (DataType.isInt(type) && type.bitWidth <= 32) || DataType.isDate(type) ? { physical: 'INT32', optional, type } : undefined;
    case 'INT64':
      return (DataType.isInt(type) && type.bitWidth === 64) || DataType.isTimestamp(type) ? { physical: 'INT64', optional, type } : undefined;
    case 'FLOAT':
      return type instanceof Float32 ? { physical: 'FLOAT', optional, type } : undefined;
    case 'DOUBLE':
      return type instanceof Float64 ? { physical: 'DOUBLE', optional, type } : undefined;
    case 'BYTE_ARRAY':
      if (lt === 'GEOMETRY' || lt === 'GEOGRAPHY') return undefined;
      return type instanceof Utf8 || type instanceof Binary ? { physical: 'BYTE_ARRAY', optional, type } : undefined;
    default:
      return undefined;
  }
}

let indexScratch = new Int32Array(0);
/** A reusable buffer for the dictionary indices of one page (at least `n` long). */
function scratchIndices(n: number): Int32Array {
  if (indexScratch.length < n) indexScratch = new Int32Array(Math.max(n, 2 * indexScratch.length));
  return indexScratch;
}

/** Writes the values of one page: `n` rows from row `row` (`defs`: which rows have a value; null when all do). */
function readValues(out: Output, row: number, n: number, defs: Uint8Array | null, nonNull: number, page: Uint8Array, pos: number, encoding: string, dict: Dictionary | undefined): void {
  if (defs) for (let i = 0; i < n; i++) if (defs[i] === 0) out.setNull(row + i);
  if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
    // Some writers leave dictionary_page_offset unset although the page is there: hyparquet finds it.
    if (!dict) throw new FastPathUnsupported('dictionary-encoded page without a dictionary page in the chunk range');
    const width = page[pos]!;
    const direct = defs ? undefined : out.indexTarget(row, n, dict);
    let max = 0;
    if (direct) {
      // Dictionary mode without nulls: unpack straight into the output indices.
      decodeHybrid(page, pos + 1, page.length, width, n, direct);
      max = decodedMax;
    } else {
      const idx = scratchIndices(nonNull);
      decodeHybrid(page, pos + 1, page.length, width, nonNull, idx);
      max = out.putIndices(row, n, defs, idx, dict);
    }
    if (max >= dict.size) throw new Error(`parquet: dictionary index ${max} out of range (${dict.size} entries)`);
  } else if (encoding === 'PLAIN' && out.col.physical === 'BYTE_ARRAY') {
    out.toValues(row);
    let p = pos;
    for (let i = 0; i < n; i++) {
      if (!defs || defs[i]) {
        if (p + 4 > page.length) throw new Error('parquet: data page is shorter than its values');
        const len = (page[p]! | (page[p + 1]! << 8) | (page[p + 2]! << 16) | (page[p + 3]! << 24)) >>> 0;
        copyBytes(out, page, p + 4, p + 4 + len);
        p += 4 + len;
      }
      out.offsets[row + i + 1] = out.byteLength;
    }
  } else if (encoding === 'PLAIN') {
    out.toValues(row);
    const w = out.wordsPer;
    const src = page.subarray(pos, pos + nonNull * w * 4);
    if (src.length !== nonNull * w * 4) throw new Error('parquet: data page is shorter than its values');
    if (!defs) {
      new Uint8Array(out.words.buffer, row * w * 4, nonNull * w * 4).set(src);
    } else {
      const words = new Int32Array(nonNull * w);
      new Uint8Array(words.buffer).set(src);
      const ow = out.words;
      for (let i = 0, k = 0; i < n; i++) {
        if (!defs[i]) continue;
        for (let j = 0; j < w; j++) ow[(row + i) * w + j] = words[k * w + j]!;
        k++;
      }
    }
  } else {
    throw new FastPathUnsupported(`encoding ${encoding}`);
  }
}

/** True when 1-bit hybrid data at `pos` starts with one RLE run of ones covering `n` values (no nulls). */
function allOnes(bytes: Uint8Array, pos: number, n: number): boolean {
  let header = 0;
  let scale = 1;
  let b: number;
  do {
    b = bytes[pos++]!;
    header += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  return header % 2 === 0 && header / 2 >= n && bytes[pos] === 1;
}

/**
 * Decodes one column chunk (`chunk`: its bytes, from the dictionary page or first data
 * page) of `rows` rows into Arrow data. With `dictionary`, a chunk whose pages are all
 * dictionary-encoded comes out as an Arrow Dictionary vector (indices and values), its
 * indices in the given reused buffer.
 */
export function decodeColumnChunk(
  chunk: Uint8Array, col: FlatColumn, codec: CompressionCodec, rows: number, compressors: Compressors, sizeHint: number, dictionary?: IndexBuffers,
): Data {
  const reader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
  const out = new Output(col, rows, sizeHint, dictionary !== undefined, dictionary);
  let dict: Dictionary | undefined;
  let row = 0;
  while (row < rows && reader.offset < chunk.length) {
    const header = parquetHeader(reader) as PageHeader;
    const start = reader.offset;
    const raw = chunk.subarray(start, start + header.compressed_page_size);
    reader.offset = start + header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(raw, header.uncompressed_page_size, codec, compressors);
      dict = readDictionary(page, header.dictionary_page_header!.num_values, col);
    } else if (header.type === 'DATA_PAGE') {
      const h = header.data_page_header!;
      const page = decompressPage(raw, header.uncompressed_page_size, codec, compressors);
      const n = h.num_values;
      let pos = 0;
      let defs: Uint8Array | null = null;
      let nonNull = n;
      if (col.optional) {
        if (h.definition_level_encoding !== 'RLE') throw new FastPathUnsupported(`definition levels in ${h.definition_level_encoding}`);
        const len = new DataView(page.buffer, page.byteOffset, page.byteLength).getUint32(0, true);
        pos = 4 + len;
        if (!allOnes(page, 4, n)) {
          defs = new Uint8Array(n);
          decodeHybrid(page, 4, 4 + len, 1, n, defs);
          nonNull = 0;
          for (let i = 0; i < n; i++) nonNull += defs[i]!;
          if (nonNull === n) defs = null;
        }
      }
      readValues(out, row, Math.min(n, rows - row), defs, nonNull, page, pos, h.encoding, dict);
      row += n;
    } else if (header.type === 'DATA_PAGE_V2') {
      const h = header.data_page_header_v2!;
      const rl = h.repetition_levels_byte_length;
      const dl = h.definition_levels_byte_length;
      const n = h.num_values;
      let defs: Uint8Array | null = null;
      if (col.optional && h.num_nulls > 0) {
        defs = new Uint8Array(n);
        decodeHybrid(raw, rl, rl + dl, 1, n, defs);
      }
      const valueBytes = raw.subarray(rl + dl);
      const size = header.uncompressed_page_size - rl - dl;
      const page = h.is_compressed !== false && size > 0 ? decompressPage(valueBytes, size, codec, compressors) : valueBytes;
      readValues(out, row, Math.min(n, rows - row), defs, n - h.num_nulls, page, 0, h.encoding, dict);
      row += n;
    }
  }
  if (row < rows) throw new Error(`parquet: column chunk has ${row} rows, the row group ${rows}`);
  fastPathSetting.decoded++;
  return out.finish();
}
