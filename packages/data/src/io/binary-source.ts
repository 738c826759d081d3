/**
 * Binary files: one row per file with columns `path` and `bytes`. The datasource and its
 * `binary` reader.
 */
import { Binary, Utf8, type Table } from 'apache-arrow';
import { dataFrom, makeTable } from './arrow-build.js';
import { registerReader, type Datasource, type ReadOptions } from './datasource.js';
import { checkPaths, fileDatasource, resolveFileOptions, type FileSourceOptions } from './file-datasource.js';
import { fsOf, projectColumns, taskSettings } from './read-helpers.js';

/** Rows (files) per block when the read options do not say. */
const BINARY_BLOCK_ROWS = 16;
/** A block is yielded early once its files reach this many bytes. */
const BINARY_BLOCK_BYTES = 64 * 1024 * 1024;

/** Options of {@link binaryDatasource} (`includePaths` is implied: `path` is always a column). */
export type BinaryReadOptions = FileSourceOptions;

/** Reads whole files as rows `{ path, bytes }` (images, audio, documents). */
export function binaryDatasource(paths: string | string[], options: BinaryReadOptions = {}): Datasource {
  const list = checkPaths(paths);
  const common = resolveFileOptions(options, []);
  return fileDatasource({ name: 'ReadBinary', kind: 'binary', paths: list, options: common, params: {} });
}

async function* readBinary(params: Record<string, unknown>, options: ReadOptions): AsyncGenerator<Table> {
  const s = taskSettings(params, options, BINARY_BLOCK_ROWS);
  let paths: string[] = [];
  let contents: Uint8Array[] = [];
  let bytes = 0;
  const flush = (): Table => {
    const cols = projectColumns(paths[0] ?? '', ['path', 'bytes'], s).map((name) => {
      const type = name === 'path' ? new Utf8() : new Binary();
      return { name, type, data: dataFrom(type, name === 'path' ? paths : contents) };
    });
    const t = makeTable(cols, paths.length);
    s.limit -= paths.length;
    paths = [];
    contents = [];
    bytes = 0;
    return t;
  };
  for (const file of s.files) {
    if (s.limit <= 0) return;
    const data = await fsOf(s, file.path).read(file.path);
    paths.push(file.path);
    contents.push(data);
    bytes += data.length;
    if (paths.length >= Math.min(s.blockRows, s.limit) || bytes >= BINARY_BLOCK_BYTES) yield flush();
  }
  if (paths.length > 0) yield flush();
}

registerReader('binary', readBinary);
