/**
 * The `parquet` reader: for each file of a read task, reads the footer, then the planned
 * row groups, only the projected columns, stopping at the limit. Flat columns of the
 * common types and encodings are decoded straight into Arrow buffers
 * ({@link decodeColumnChunk}); the others (nested types, rare encodings) through
 * hyparquet's column scan. The bytes of the next row group are fetched while the current
 * one is decoded.
 */
import type { Data, DataType, Table } from 'apache-arrow';
import { parquetScan, parquetSchema, type AsyncBuffer, type ColumnChunk, type FileMetaData, type ParquetScan } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { dataFrom, makeTable, sliceRows } from './arrow-build.js';
import { registerReader, type ReadOptions } from './datasource.js';
import { DataSourceError, SchemaMismatchError } from './errors.js';
import type { RangeReader } from './filesystem.js';
import type { ExpectedSchema, ParquetTaskFile } from './parquet-datasource.js';
import { IndexBuffers } from './parquet-output.js';
import { decodeColumnChunk, FastPathUnsupported, flatColumn, type FlatColumn } from './parquet-pages.js';
import { asyncBufferOf, parquetColumns, RAW_PARSERS, readParquetMetadata, schemaDifference } from './parquet-schema.js';
import { fsOf, pathColumn, projectColumns, taskSettings, wantsPathColumn, type TaskSettings } from './read-helpers.js';

function wrap(path: string, err: unknown): Error {
  if (err instanceof DataSourceError) return err;
  return new DataSourceError(path, `${path}: reading parquet failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** A projected column of a file: how to read it. */
interface ColumnPlan {
  name: string;
  type: DataType;
  /** Set when the fast path can read it. */
  flat?: FlatColumn;
}

/** Bytes `[start, end)` of a file as a Uint8Array (a view when the whole file is in memory). */
async function bytesOf(file: AsyncBuffer, start: number, end: number): Promise<Uint8Array> {
  if (file instanceof ArrayBuffer) return new Uint8Array(file, start, end - start);
  return new Uint8Array(await file.slice(start, end));
}

/** The column chunk of a top-level flat column in a row group. */
function chunkOf(metadata: FileMetaData, rg: number, name: string): ColumnChunk | undefined {
  return metadata.row_groups[rg]!.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
}

/** One file of a read task. */
class FileReader {
  private scan: Promise<ParquetScan> | undefined;
  private readonly starts: number[] = [];
  /** Per column, the reused index buffer of dictionary-kept chunks (see ReadOptions.keepDictionaries). */
  private readonly indexBuffers: IndexBuffers[];
  /** Two fetch buffers, used in turn (the row group being decoded, the one being fetched). */
  private readonly pool = [new Uint8Array(0), new Uint8Array(0)];
  private turn = 0;

  constructor(
    private readonly file: AsyncBuffer,
    private readonly metadata: FileMetaData,
    private readonly columns: ColumnPlan[],
    private readonly ranges: RangeReader | undefined,
    keepDictionaries: boolean,
  ) {
    this.indexBuffers = keepDictionaries ? columns.map(() => new IndexBuffers()) : [];
    let at = 0;
    for (const g of metadata.row_groups) {
      this.starts.push(at);
      at += Number(g.num_rows);
    }
  }

  /**
   * Fetches the chunk bytes of the fast-path columns of a row group (into a pooled
   * buffer when the file is open for ranges: the decoded data never points into it).
   */
  fetch(rg: number): Promise<(Uint8Array | undefined)[]> {
    const metas = this.columns.map((c) => (c.flat ? chunkOf(this.metadata, rg, c.name)?.meta_data : undefined));
    const total = metas.reduce((n, m) => n + (m ? Number(m.total_compressed_size) : 0), 0);
    let buf: Uint8Array | undefined;
    if (this.ranges) {
      buf = this.pool[this.turn]!;
      if (buf.length < total) buf = this.pool[this.turn] = new Uint8Array(Math.ceil(total * 1.25));
      this.turn ^= 1;
    }
    let at = 0;
    return Promise.all(metas.map((meta) => {
      if (!meta) return undefined;
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const size = Number(meta.total_compressed_size);
      const into = buf?.subarray(at, at + size);
      at += size;
      return this.ranges ? this.ranges.read(start, start + size, into) : bytesOf(this.file, start, start + size);
    }));
  }

  private general(): Promise<ParquetScan> {
    this.scan ??= parquetScan({
      file: this.file, metadata: this.metadata, columns: this.columns.map((c) => c.name), compressors, utf8: false, parsers: RAW_PARSERS,
    });
    return this.scan;
  }

  /** The columns of the first `rows` rows of a row group, from the fetched bytes (or hyparquet). */
  async decode(rg: number, rows: number, bytes: (Uint8Array | undefined)[]): Promise<Data[]> {
    const groupRows = Number(this.metadata.row_groups[rg]!.num_rows);
    return Promise.all(this.columns.map(async (c, j) => {
      const chunk = bytes[j];
      const meta = chunk && chunkOf(this.metadata, rg, c.name)!.meta_data!;
      if (chunk && meta) {
        try {
          const data = decodeColumnChunk(chunk, c.flat!, meta.codec, groupRows, compressors, Number(meta.total_uncompressed_size), this.indexBuffers[j]);
          return rows < groupRows ? data.slice(0, rows) : data;
        } catch (err) {
          if (!(err instanceof FastPathUnsupported)) throw err;
        }
      }
      const scan = await this.general();
      const rowStart = this.starts[rg]!;
      return dataFrom(c.type, await scan.readColumn({ column: c.name, rowStart, rowEnd: rowStart + rows }));
    }));
  }
}

/** Throws when a file's columns differ from the schema the datasource planned with. */
function checkSchema(path: string, columns: { name: string; type: DataType }[], expect: ExpectedSchema | undefined): void {
  if (!expect || expect.path === path) return;
  const diff = schemaDifference(expect.columns, columns, expect.only);
  if (diff) throw new SchemaMismatchError(path, expect.path, diff);
}

async function* readParquet(params: Record<string, unknown>, options: ReadOptions): AsyncGenerator<Table> {
  const s = taskSettings(params, options);
  const withPath = wantsPathColumn(s);
  for (const f of s.files as ParquetTaskFile[]) {
    if (s.limit <= 0) return;
    // A projection reads column chunks by range; reading everything, small files come whole.
    const file = await asyncBufferOf(fsOf(s, f.path), f.path, f.size, s.columns ? 1 << 20 : 16 << 20);
    const metadata = await readParquetMetadata(file, f.path);
    const all = parquetColumns(metadata);
    checkSchema(f.path, all, params.expect as ExpectedSchema | undefined);
    const tree = parquetSchema(metadata);
    const names = projectColumns(f.path, all.map((c) => c.name), s);
    const columns: ColumnPlan[] = names.map((name) => {
      const type = all.find((c) => c.name === name)!.type;
      const node = tree.children.find((c) => c.element.name === name)!;
      return { name, type, flat: flatColumn(node, type) };
    });
    const fs = fsOf(s, f.path);
    const ranges = !(file instanceof ArrayBuffer) && fs.openRanges ? await fs.openRanges(f.path) : undefined;
    try {
      const reader = new FileReader(file, metadata, columns, ranges, options.keepDictionaries === true);
      yield* readFile(f, reader, metadata, columns, s, withPath && !names.includes('path'));
    } finally {
      await ranges?.close();
    }
  }
}

/** The blocks of the planned row groups of one file. */
async function* readFile(f: ParquetTaskFile, reader: FileReader, metadata: FileMetaData, columns: ColumnPlan[], s: TaskSettings, withPath: boolean): AsyncGenerator<Table> {
  const path = f.path;
  const groups = Array.isArray(f.rowGroups) ? f.rowGroups : metadata.row_groups.map((_, i) => i);
  let next: Promise<(Uint8Array | undefined)[]> | undefined = groups.length ? reader.fetch(groups[0]!) : undefined;
  next?.catch(() => undefined);
  for (let i = 0; i < groups.length; i++) {
    if (s.limit <= 0) return;
    const rg = groups[i]!;
    const rows = Math.min(Number(metadata.row_groups[rg]!.num_rows), s.limit);
    let data: Data[];
    try {
      const bytes = await next!;
      next = i + 1 < groups.length ? reader.fetch(groups[i + 1]!) : undefined;
      next?.catch(() => undefined);
      if (rows <= 0) continue;
      data = await reader.decode(rg, rows, bytes);
    } catch (err) {
      throw wrap(path, err);
    }
    const cols = columns.map((c, j) => ({ name: c.name, type: data[j]!.type, data: data[j]! }));
    if (withPath) cols.push(pathColumn(path, rows));
    s.limit -= rows;
    yield* sliceRows(makeTable(cols, rows), s.blockRows);
  }
}

registerReader('parquet', readParquet);
