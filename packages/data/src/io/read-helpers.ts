/**
 * Helpers the readers share: the settings of one read task, opening a (maybe gzipped)
 * text stream, iterating its lines with numbers, and the `path` column.
 */
import { Utf8, type Data, type DataType } from 'apache-arrow';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { constantStringData } from './arrow-build.js';
import type { ReadOptions } from './datasource.js';
import type { TaskFile } from './file-datasource.js';
import { fileSystemFor, type FileSystem } from './filesystem.js';
import type { S3Options } from './fs-s3.js';
import { DataSourceError } from './errors.js';

/** Rows per block when the read options do not say. */
export const DEFAULT_BLOCK_ROWS = 65_536;

/** The settings of one read task, from its params and the pushed-down read options. */
export interface TaskSettings {
  files: TaskFile[];
  s3: S3Options;
  includePaths: boolean;
  /** Projection: only these columns, in this order (undefined: all). */
  columns: string[] | undefined;
  /** Rows still to read (Infinity without a limit). */
  limit: number;
  blockRows: number;
}

/** Reads the task settings; `defaultBlockRows` is the format's block size. */
export function taskSettings(params: Record<string, unknown>, options: ReadOptions, defaultBlockRows = DEFAULT_BLOCK_ROWS): TaskSettings {
  const files = params.files as TaskFile[] | undefined;
  if (!Array.isArray(files)) throw new TypeError('read task params.files must be an array of { path, size }');
  const columns = options.columns ?? (params.columns as string[] | undefined);
  return {
    files,
    s3: (params.s3 as S3Options | undefined) ?? {},
    includePaths: params.includePaths === true,
    columns: columns ? [...columns] : undefined,
    limit: options.limit ?? Infinity,
    blockRows: Math.max(1, options.blockRows ?? defaultBlockRows),
  };
}

/** The file system of a task file. */
export function fsOf(s: TaskSettings, path: string): FileSystem {
  return fileSystemFor(path, s.s3);
}

/** A byte stream of a file, gunzipped when the name ends with `.gz`. */
export async function openText(fs: FileSystem, path: string): Promise<Readable> {
  const raw = await fs.openStream(path);
  if (!path.toLowerCase().endsWith('.gz')) return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/** The lines of a stream (without `\n` / `\r\n`) with 1-based line numbers. */
export async function* numberedLines(path: string, stream: Readable): AsyncGenerator<[string, number]> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) yield [line, ++n];
  } catch (err) {
    throw err instanceof DataSourceError ? err : new DataSourceError(path, `${path}: reading failed after line ${n}: ${(err as Error).message}`, { cause: err });
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** The `path` column for a block of `numRows` rows from `path`. */
export function pathColumn(path: string, numRows: number): { name: string; type: DataType; data: Data } {
  return { name: 'path', type: new Utf8(), data: constantStringData(path, numRows) };
}

/**
 * Which of a file's columns a task reads: the projection (checked against the file's
 * columns; `path` may be asked for when `includePaths` adds it) or all of them.
 */
export function projectColumns(path: string, available: string[], s: Pick<TaskSettings, 'columns' | 'includePaths'>): string[] {
  if (!s.columns) return available;
  const have = new Set(available);
  const wanted = s.columns.filter((c) => !(s.includePaths && c === 'path' && !have.has(c)));
  const missing = wanted.filter((c) => !have.has(c));
  if (missing.length) {
    throw new DataSourceError(path, `${path} has no column ${missing.map((c) => `'${c}'`).join(', ')} (it has ${available.join(', ')}). Check the column names.`);
  }
  return wanted;
}

/** Whether the `path` column goes into the blocks (asked for, and not dropped by the projection). */
export function wantsPathColumn(s: TaskSettings): boolean {
  return s.includePaths && (!s.columns || s.columns.includes('path'));
}
