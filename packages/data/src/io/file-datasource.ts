/**
 * What every file-based datasource shares: the common options, grouping files into about
 * `parallelism` read tasks balanced by bytes, and a {@link Datasource} built from a kind,
 * inputs and (optionally) a plan-time step that samples the first file.
 */
import type { Datasource, ReadTask } from './datasource.js';
import { expandPaths } from './filesystem.js';
import { resolveS3Options, type S3Options } from './fs-s3.js';
import type { FileInfo } from './paths.js';

/** Options every file datasource takes. */
export interface FileSourceOptions {
  /** Settings for `s3://` paths. @default from the environment (see {@link S3Options}) */
  s3?: S3Options;
  /** Add a `path` column with the file each row came from. @default false */
  includePaths?: boolean;
  /**
   * When an input is a directory, read only files with these extensions (no dot).
   * Explicit files and globs are always read. @default per format, e.g. `['parquet']`; `[]` reads every file
   */
  fileExtensions?: string[];
}

/** Common options resolved once, in the driver. */
export interface ResolvedFileOptions {
  s3: S3Options;
  includePaths: boolean;
  fileExtensions: string[];
}

/** Checks and completes the common options; a bad field throws a TypeError naming it. */
export function resolveFileOptions(options: FileSourceOptions | undefined, defaultExtensions: string[]): ResolvedFileOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError('options must be an object');
  if (o.includePaths !== undefined && typeof o.includePaths !== 'boolean') {
    throw new TypeError('options.includePaths must be a boolean');
  }
  if (o.fileExtensions !== undefined && (!Array.isArray(o.fileExtensions) || o.fileExtensions.some((e) => typeof e !== 'string'))) {
    throw new TypeError('options.fileExtensions must be an array of strings');
  }
  if (o.s3 !== undefined && (typeof o.s3 !== 'object' || o.s3 === null)) throw new TypeError('options.s3 must be an object');
  return Object.freeze({
    s3: resolveS3Options(o.s3),
    includePaths: o.includePaths ?? false,
    fileExtensions: [...(o.fileExtensions ?? defaultExtensions)],
  });
}

/** Checks the paths argument of a read. */
export function checkPaths(paths: unknown): string[] {
  const list = typeof paths === 'string' ? [paths] : paths;
  if (!Array.isArray(list) || list.length === 0 || list.some((p) => typeof p !== 'string' || p === '')) {
    throw new TypeError('paths must be a non-empty string or array of non-empty strings');
  }
  return [...list];
}

/**
 * Groups files, in order, into at most `parallelism` groups of about equal bytes:
 * each file goes to the group its middle byte falls in.
 */
export function groupBySize<T extends { size: number }>(items: readonly T[], parallelism: number): T[][] {
  const p = Math.max(1, Math.floor(parallelism));
  const total = items.reduce((s, f) => s + Math.max(f.size, 1), 0);
  const groups: T[][] = Array.from({ length: p }, () => []);
  let before = 0;
  for (const f of items) {
    const size = Math.max(f.size, 1);
    groups[Math.min(p - 1, Math.floor(((before + size / 2) / total) * p))]!.push(f);
    before += size;
  }
  return groups.filter((g) => g.length > 0);
}

/** Read tasks of a kind, one per group of whole files; `params` are shared by every task. */
export function fileTasks(kind: string, files: FileInfo[], parallelism: number, params: Record<string, unknown>): ReadTask[] {
  return groupBySize(files, parallelism).map((group) => ({
    kind,
    params: { ...params, files: group.map((f) => ({ path: f.path, size: f.size })) },
    paths: group.map((f) => f.path),
    estimatedBytes: group.reduce((s, f) => s + f.size, 0),
  }));
}

/** A datasource that lists its files when planned, then (optionally) prepares shared params, e.g. a sampled schema. */
export function fileDatasource(spec: {
  name: string;
  kind: string;
  paths: string[];
  options: ResolvedFileOptions;
  params: Record<string, unknown>;
  prepare?: (files: FileInfo[]) => Promise<Record<string, unknown>>;
}): Datasource {
  return {
    name: spec.name,
    async plan(parallelism: number): Promise<ReadTask[]> {
      const files = await expandPaths(spec.paths, { extensions: spec.options.fileExtensions, s3: spec.options.s3 });
      const extra = spec.prepare ? await spec.prepare(files) : {};
      const params = { ...spec.params, ...extra, s3: spec.options.s3, includePaths: spec.options.includePaths };
      return fileTasks(spec.kind, files, parallelism, params);
    },
  };
}

/** A file entry in read-task params. */
export interface TaskFile {
  path: string;
  size: number;
}
