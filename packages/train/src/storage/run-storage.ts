/**
 * The storage of one run (Ray Train's `StorageContext`): the run directory
 * `<storagePath>/<name>` on local disk or S3, and the few operations Train needs on it:
 * upload and download directory trees, list checkpoint directories, JSON files, remove.
 * Plain data (a path and S3 settings), so it can be sent to train workers.
 */
import { registerSerializer } from '@ray-ts/core';
import { isS3Path, resolveS3Options, type S3Options } from '@ray-ts/data';
import * as fsp from 'node:fs/promises';
import { resolve } from 'node:path';
import { joinStorage, normalizeStoragePath, resolveAgainst } from './paths.js';
import { resolveStorageOptions, type StorageOptions } from './storage-options.js';
import { copyTree, fsFor, listDirs, pathExists, removePath, storageError } from './tree.js';

/** Plain-data form of a {@link RunStorage} (see {@link RunStorage.toJSON}). */
export interface RunStorageData {
  /** The run directory. */
  root: string;
  /** S3 settings for an `s3://` run directory. */
  s3?: S3Options;
}

/** Name of the directory of checkpoint `index` inside a run: `checkpoint_000000`, ... */
export function checkpointDirName(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a non-negative integer, got ${String(index)}`);
  return `checkpoint_${String(index).padStart(6, '0')}`;
}

/** Validates a local-side directory argument (synchronously) and makes it absolute. */
function checkLocalDir(localDir: string): string {
  if (typeof localDir !== 'string' || localDir.length === 0 || isS3Path(localDir)) {
    throw new TypeError(`localDir must be a local directory path, got '${String(localDir)}'`);
  }
  return resolve(localDir);
}

/**
 * Storage of one run. Constructing does no I/O. Storage-side path arguments (`dest`,
 * `src`, `path`, `dir`) may be absolute (local or `s3://`) or relative to {@link root};
 * local-side arguments (`localDir`) are local paths, relative to the current directory.
 *
 * ```ts
 * const storage = RunStorage.fromOptions({ storagePath: 's3://bucket/results', name: 'mnist' });
 * await storage.uploadDir('/tmp/ckpt', 'checkpoint_000000');
 * await storage.writeJson('params.json', { lr: 0.1 });
 * ```
 */
export class RunStorage {
  /** The run directory: absolute local path or `s3://bucket/prefix/name`. */
  readonly root: string;
  /** S3 settings for `s3://` paths (resolved from the environment when not given), else undefined. */
  readonly s3: S3Options | undefined;

  /**
   * Storage at a run directory.
   * @param root the run directory (local, `~` expands, or `s3://bucket/prefix`)
   * @param s3 S3 settings. @default from env (`AWS_ENDPOINT_URL`, `AWS_REGION`) via `resolveS3Options`
   * @throws TypeError naming `root` or `s3` when malformed.
   */
  constructor(root: string, s3?: S3Options) {
    this.root = normalizeStoragePath(root, 'root');
    if (s3 !== undefined && (typeof s3 !== 'object' || s3 === null)) throw new TypeError('s3 must be an S3Options object');
    this.s3 = isS3Path(this.root) || s3 ? resolveS3Options(s3 ?? {}) : undefined;
  }

  /**
   * Storage of the run `<storagePath>/<name>` (Ray's `RunConfig(storage_path, name)`).
   * @throws TypeError / RangeError naming the bad field.
   */
  static fromOptions(options: StorageOptions = {}): RunStorage {
    const o = resolveStorageOptions(options);
    return new RunStorage(joinStorage(o.storagePath, o.name), o.s3);
  }

  /** The run directory of `name` under `storagePath` (validated as in {@link fromOptions}). */
  static runPath(storagePath: string, name: string): string {
    const o = resolveStorageOptions({ storagePath, name });
    return joinStorage(o.storagePath, o.name);
  }

  /** True when the run directory is on S3. */
  get isRemote(): boolean {
    return isS3Path(this.root);
  }

  /** A path inside the run directory: `join('a', 'b.json')` → `<root>/a/b.json`. */
  join(...parts: string[]): string {
    return joinStorage(this.root, ...parts);
  }

  /** Where checkpoint `index` is persisted: `<root>/checkpoint_<index, 6 digits>`. */
  checkpointPath(index: number): string {
    return joinStorage(this.root, checkpointDirName(index));
  }

  private at(path: string): string {
    if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty string');
    return resolveAgainst(this.root, path);
  }

  /**
   * Copies a local directory tree into storage at `dest` (files added or replaced).
   * Local→local uses `fs.cp`.
   * @throws StorageNotFoundError when `localDir` does not exist; TrainStorageError on I/O failure.
   */
  uploadDir(localDir: string, dest: string): Promise<string> {
    const from = checkLocalDir(localDir);
    const to = this.at(dest);
    return copyTree(from, to, { dst: this.s3 }, 'upload').then(() => to);
  }

  /**
   * Copies a directory tree from storage into a local directory (created if needed).
   * @throws StorageNotFoundError when `src` has no files; TrainStorageError on I/O failure.
   */
  downloadDir(src: string, localDir: string): Promise<string> {
    const to = checkLocalDir(localDir);
    return this.download(this.at(src), to);
  }

  private async download(from: string, to: string): Promise<string> {
    await fsp.mkdir(to, { recursive: true }).catch((err: unknown) => Promise.reject(storageError(to, 'download', err)));
    await copyTree(from, to, { src: this.s3 }, 'download');
    return to;
  }

  /** Names of the subdirectories of a storage directory (default: the run directory), sorted; `[]` when missing. */
  listDirs(dir = '.'): Promise<string[]> {
    return listDirs(dir === '.' ? this.root : this.at(dir), this.s3);
  }

  /** Removes a file or directory tree from storage; missing is fine. */
  remove(path: string): Promise<void> {
    return removePath(this.at(path), this.s3);
  }

  /** True when a file or non-empty directory exists at the storage path. */
  exists(path: string): Promise<boolean> {
    return pathExists(this.at(path), this.s3);
  }

  /** Writes bytes or text to a storage file (replacing it; parent directories are created). */
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const p = this.at(path);
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    try {
      await fsFor(p, this.s3).write(p, [bytes]);
    } catch (err) {
      throw storageError(p, 'writeFile', err);
    }
  }

  /**
   * Reads a whole storage file.
   * @throws StorageNotFoundError when it does not exist.
   */
  async readFile(path: string): Promise<Uint8Array> {
    const p = this.at(path);
    try {
      return await fsFor(p, this.s3).read(p);
    } catch (err) {
      throw storageError(p, 'readFile', err);
    }
  }

  /** Writes a value as pretty-printed JSON. */
  writeJson(path: string, value: unknown): Promise<void> {
    return this.writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Reads and parses a JSON file.
   * @throws StorageNotFoundError when missing; TrainStorageError when it is not JSON.
   */
  async readJson<T = unknown>(path: string): Promise<T> {
    const bytes = await this.readFile(path);
    try {
      return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
    } catch (err) {
      throw storageError(this.at(path), 'readJson', err);
    }
  }

  /** Plain data that {@link RunStorage.fromJSON} turns back into an equal storage. */
  toJSON(): RunStorageData {
    return this.s3 ? { root: this.root, s3: { ...this.s3 } } : { root: this.root };
  }

  /** Rebuilds a storage from {@link RunStorage.toJSON} output. */
  static fromJSON(data: RunStorageData): RunStorage {
    if (typeof data !== 'object' || data === null) throw new TypeError('data must be a { root, s3? } object');
    return new RunStorage(data.root, data.s3);
  }
}

// Keeps its class across processes (the trainer sends it to workers).
registerSerializer(RunStorage, {
  name: 'ray-ts.train.RunStorage',
  serialize: (s: RunStorage) => s.toJSON(),
  deserialize: (d: RunStorageData) => RunStorage.fromJSON(d),
});
