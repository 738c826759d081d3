/**
 * The file-system interface readers and writers use, so that one reader works on local
 * paths and on `s3://` alike. {@link fileSystemFor} picks the implementation by path;
 * {@link expandPaths} turns the inputs of a read (files, directories, globs, lists of
 * them) into the sorted list of files to read.
 */
import type { Readable } from 'node:stream';
import { FileNotFoundError } from './errors.js';
import { LocalFileSystem } from './fs-local.js';
import { S3FileSystem, type S3Options } from './fs-s3.js';
import { isS3Path, type FileInfo } from './paths.js';

/** What the storage layer needs from a file system. Paths are absolute or `s3://` URLs. */
export interface FileSystem {
  /**
   * The files one input names: a file, a directory (walked recursively, skipping hidden
   * `.x` and `_x` names, keeping only `extensions` when given) or a glob. Sorted by path.
   * @throws FileNotFoundError when the input does not exist or matches nothing.
   */
  expand(input: string, extensions?: readonly string[]): Promise<FileInfo[]>;
  /** Size of a file in bytes. */
  size(path: string): Promise<number>;
  /** The whole file. */
  read(path: string): Promise<Uint8Array>;
  /** Bytes `[start, end)` of a file. */
  readRange(path: string, start: number, end: number): Promise<Uint8Array>;
  /**
   * Opens a file for many range reads (local files keep one handle). Optional: readers
   * fall back to {@link readRange}.
   */
  openRanges?(path: string): Promise<RangeReader>;
  /** A byte stream of the file (for line-oriented formats). */
  openStream(path: string): Promise<Readable>;
  /** Writes (replaces) a file from one or more chunks, creating parent directories. */
  write(path: string, chunks: Uint8Array[]): Promise<void>;
  /**
   * Opens a file for writing chunk by chunk (creating parent directories). Local files
   * stream to disk; S3 objects are buffered and uploaded on `close()`.
   */
  createWriter(path: string): Promise<FileWriter>;
  /** Renames a file (S3: copy then delete). */
  move(from: string, to: string): Promise<void>;
  /** Removes a directory (S3: every key under the prefix); missing is fine. */
  removeTree(dir: string): Promise<void>;
  /** Makes sure a destination directory can be written (creates it; S3: checks the bucket). */
  ensureDir(dir: string): Promise<void>;
}

/** An open file for range reads. */
export interface RangeReader {
  /** Reads bytes `[start, end)` into `into` (from its offset 0) when given and large enough; returns the bytes read. */
  read(start: number, end: number, into?: Uint8Array): Promise<Uint8Array>;
  /** Releases the file. */
  close(): Promise<void>;
}

/** A file being written. */
export interface FileWriter {
  /** Appends bytes. */
  write(chunk: Uint8Array): Promise<void>;
  /** Finishes the file (S3: uploads it). */
  close(): Promise<void>;
  /** Gives up: releases the handle without finishing (the partial temporary file is left for the sink's abort). */
  abort(): Promise<void>;
}

const local = new LocalFileSystem();

/** The file system of a path: local, or S3 with the given settings (plain data, see {@link S3Options}). */
export function fileSystemFor(path: string, s3?: S3Options): FileSystem {
  return isS3Path(path) ? S3FileSystem.get(s3 ?? {}) : local;
}

/**
 * Expands read inputs into files, in input order then path order, without duplicates.
 * @throws FileNotFoundError when an input matches nothing.
 */
export async function expandPaths(
  inputs: string | readonly string[],
  options: { extensions?: readonly string[]; s3?: S3Options } = {},
): Promise<FileInfo[]> {
  const list = typeof inputs === 'string' ? [inputs] : [...inputs];
  if (list.length === 0) throw new FileNotFoundError('(no paths)', 'no input paths were given');
  const seen = new Set<string>();
  const out: FileInfo[] = [];
  const expanded = await Promise.all(list.map((p) => fileSystemFor(p, options.s3).expand(p, options.extensions)));
  for (const files of expanded) {
    for (const f of files) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      out.push(f);
    }
  }
  return out;
}

/** Runs `fn` over items with at most `limit` in flight, keeping order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
