/**
 * Parquet datasource: lists the files and splits them into about `parallelism` read
 * tasks of similar size. With fewer files than tasks it reads every footer (in parallel,
 * a few KB each), checks that all files share the first file's schema, and splits by row
 * group, so one big file still reads in parallel. With at least as many files as tasks
 * it splits whole files by size and reads only the first footer: each read task checks
 * its files against that schema when it opens them (a footer is parsed once, in the
 * task that reads the file, instead of twice with the driver's share on the critical path).
 */
import type { Datasource, ReadTask } from './datasource.js';
import { SchemaMismatchError } from './errors.js';
import { checkPaths, groupBySize, resolveFileOptions, type FileSourceOptions } from './file-datasource.js';
import { expandPaths, fileSystemFor, mapLimit } from './filesystem.js';
import { asyncBufferOf, parquetColumns, readParquetMetadata, schemaDifference } from './parquet-schema.js';

/** Options of {@link parquetDatasource}. */
export interface ParquetReadOptions extends FileSourceOptions {
  /** Read only these columns (the optimizer may narrow this further). @default all columns */
  columns?: string[];
  /** Footers read at once while planning. @default 16 */
  metadataConcurrency?: number;
}

/** A parquet file in read-task params, with the row groups this task reads. */
export interface ParquetTaskFile {
  path: string;
  size: number;
  /** The row groups to read; all of them when absent. */
  rowGroups?: number[];
}

/** The schema every file of a read must have (the first file's), checked by the read tasks. */
export interface ExpectedSchema {
  /** The file it was read from (named in a mismatch error). */
  path: string;
  /** Its top-level columns, types as strings. */
  columns: { name: string; type: string }[];
  /** Compare only these columns (the read's `columns` option). */
  only?: string[];
}

/** One row group: the unit a parquet read is split by. */
interface RowGroupUnit {
  path: string;
  fileSize: number;
  index: number;
  rows: number;
  size: number;
  uncompressed: number;
}

/** Reads parquet files (local, directories, globs, `s3://`) with hyparquet into Arrow blocks. */
export function parquetDatasource(paths: string | string[], options: ParquetReadOptions = {}): Datasource {
  const list = checkPaths(paths);
  const common = resolveFileOptions(options, ['parquet']);
  if (options.columns !== undefined && (!Array.isArray(options.columns) || options.columns.some((c) => typeof c !== 'string'))) {
    throw new TypeError('options.columns must be an array of strings');
  }
  const concurrency = options.metadataConcurrency ?? 16;
  if (!(Number.isInteger(concurrency) && concurrency > 0)) throw new RangeError('options.metadataConcurrency must be a positive integer');
  const columns = options.columns ? [...options.columns] : undefined;

  return {
    name: 'ReadParquet',
    async plan(parallelism: number): Promise<ReadTask[]> {
      const files = await expandPaths(list, { extensions: common.fileExtensions, s3: common.s3 });
      const params = { columns, s3: common.s3, includePaths: common.includePaths };
      const wholeFiles = files.length >= parallelism;
      const metas = await mapLimit(wholeFiles ? files.slice(0, 1) : files, concurrency, async (f) => {
        const buf = await asyncBufferOf(fileSystemFor(f.path, common.s3), f.path, f.size, 0);
        return readParquetMetadata(buf, f.path);
      });
      const first = parquetColumns(metas[0]!);
      if (wholeFiles) {
        const expect: ExpectedSchema = { path: files[0]!.path, columns: first.map((c) => ({ name: c.name, type: String(c.type) })), only: columns };
        return groupBySize(files, parallelism).map((group) => ({
          kind: 'parquet',
          params: { ...params, expect, files: group.map((f): ParquetTaskFile => ({ path: f.path, size: f.size })) },
          paths: group.map((f) => f.path),
          estimatedBytes: group.reduce((s, f) => s + f.size, 0),
        }));
      }
      const units: RowGroupUnit[] = [];
      metas.forEach((m, i) => {
        const f = files[i]!;
        if (i > 0) {
          const diff = schemaDifference(first, parquetColumns(m), columns);
          if (diff) throw new SchemaMismatchError(f.path, files[0]!.path, diff);
        }
        m.row_groups.forEach((g, index) => {
          const compressed = Number(g.total_compressed_size ?? 0n) || g.columns.reduce((s, c) => s + Number(c.meta_data?.total_compressed_size ?? 0n), 0);
          units.push({ path: f.path, fileSize: f.size, index, rows: Number(g.num_rows), size: compressed, uncompressed: Number(g.total_byte_size) });
        });
      });
      return groupBySize(units, parallelism).map((group) => {
        const byFile: ParquetTaskFile[] = [];
        for (const u of group) {
          const last = byFile[byFile.length - 1];
          if (last && last.path === u.path) last.rowGroups!.push(u.index);
          else byFile.push({ path: u.path, size: u.fileSize, rowGroups: [u.index] });
        }
        return {
          kind: 'parquet',
          params: { ...params, files: byFile },
          paths: byFile.map((f) => f.path),
          estimatedRows: group.reduce((s, u) => s + u.rows, 0),
          estimatedBytes: group.reduce((s, u) => s + u.uncompressed, 0),
        };
      });
    },
  };
}
