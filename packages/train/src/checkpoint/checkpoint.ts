/**
 * Ray Train's `Checkpoint`: a handle to a directory of files, on local disk or S3. It
 * holds only plain fields (`path`, `s3`), so it crosses processes as is (a core
 * serializer is registered for the class; {@link Checkpoint.toJSON} /
 * {@link Checkpoint.fromJSON} give the same for JSON).
 */
import { registerSerializer } from '@ray-ts/core';
import { isS3Path, resolveS3Options, type S3Options } from '@ray-ts/data';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { CheckpointNotFoundError, StorageNotFoundError } from './errors.js';
import { normalizeStoragePath, joinStorage } from '../storage/paths.js';
import { copyTree, fsFor, listTree, storageError } from '../storage/tree.js';

/** Name of the metadata file inside a checkpoint directory (as in Ray). */
export const METADATA_FILE = '.metadata.json';

/** Plain-data form of a {@link Checkpoint}. */
export interface CheckpointData {
  /** Local directory or `s3://` URL. */
  path: string;
  /** S3 settings for an `s3://` path. */
  s3?: S3Options;
}

/** Options of {@link Checkpoint.fromModel}. */
export interface FromModelOptions {
  /** A tfjs optimizer whose state is saved with the model. @default none */
  optimizer?: unknown;
  /** Extra files written into the checkpoint: relative path → text (UTF-8) or bytes. @default none */
  files?: Record<string, string | Uint8Array>;
}

/** Makes a fresh local temporary directory. */
export function makeTempDir(prefix = 'ray-ts-checkpoint-'): Promise<string> {
  return fsp.mkdtemp(join(tmpdir(), prefix));
}

/** Checks a relative file name of `files` and returns its absolute path under `dir`. */
function fileUnder(dir: string, rel: string): string {
  const norm = normalize(rel);
  if (rel.length === 0 || isAbsolute(rel) || norm === '..' || norm.startsWith(`..${sep}`)) {
    throw new RangeError(`options.files['${rel}'] must be a relative path inside the checkpoint`);
  }
  return join(dir, norm);
}

/** A directory of checkpoint files, local or on S3. Creating one does no I/O. */
export class Checkpoint {
  /** Absolute local directory or `s3://bucket/prefix`. */
  readonly path: string;
  /** S3 settings for an `s3://` path (undefined for local checkpoints). */
  readonly s3: S3Options | undefined;

  private constructor(path: string, s3: S3Options | undefined) {
    this.path = path;
    this.s3 = s3;
  }

  /**
   * A checkpoint at an existing directory (not copied, not checked).
   * @param options.s3 S3 settings for `s3://` paths. @default from env (`AWS_ENDPOINT_URL`, ...)
   * @throws TypeError when `path` is empty or an `s3://` URL has no bucket.
   */
  static fromDirectory(path: string, options: { s3?: S3Options } = {}): Checkpoint {
    const p = normalizeStoragePath(path, 'path');
    if (options.s3 !== undefined && (typeof options.s3 !== 'object' || options.s3 === null)) {
      throw new TypeError('options.s3 must be an S3Options object');
    }
    return new Checkpoint(p, isS3Path(p) ? resolveS3Options(options.s3 ?? {}) : undefined);
  }

  /** Rebuilds a checkpoint from {@link Checkpoint.toJSON} output (or any `{ path, s3? }`). */
  static fromJSON(data: CheckpointData): Checkpoint {
    if (typeof data !== 'object' || data === null) throw new TypeError('data must be a { path, s3? } object');
    return Checkpoint.fromDirectory(data.path, data.s3 ? { s3: data.s3 } : {});
  }

  /**
   * Saves a tfjs `LayersModel` (and optionally its optimizer) plus extra files into a
   * new temporary directory and returns the checkpoint there. Loads tfjs lazily.
   */
  static async fromModel(model: unknown, options: FromModelOptions = {}): Promise<Checkpoint> {
    const files = checkFiles(options.files ?? {});
    const dir = await makeTempDir();
    const targets = files.map(([rel]) => fileUnder(dir, rel));
    const { saveModelToDirectory } = await import('../tfjs/model-io.js');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await saveModelToDirectory(model as any, dir, options.optimizer === undefined ? {} : { optimizer: options.optimizer as any });
    await writeFiles(files, targets);
    return Checkpoint.fromDirectory(dir);
  }

  /**
   * A checkpoint of the given files in a new temporary directory (no model).
   * @throws RangeError when a file name leaves the directory.
   */
  static async fromFiles(files: Record<string, string | Uint8Array>): Promise<Checkpoint> {
    const entries = checkFiles(files);
    const dir = await makeTempDir();
    await writeFiles(entries, entries.map(([rel]) => fileUnder(dir, rel)));
    return Checkpoint.fromDirectory(dir);
  }

  /** True when the checkpoint lives on S3. */
  get isRemote(): boolean {
    return isS3Path(this.path);
  }

  /**
   * Copies the checkpoint into a local directory (downloading from S3) and returns its
   * path. Files already in `dir` are kept unless replaced.
   * @param dir target directory. @default a fresh temporary directory (the caller removes it)
   * @throws CheckpointNotFoundError when the checkpoint has no files.
   */
  async toDirectory(dir?: string): Promise<string> {
    const target = dir === undefined ? await makeTempDir() : resolve(dir);
    if (target === this.path) return target;
    await fsp.mkdir(target, { recursive: true });
    try {
      await copyTree(this.path, target, { src: this.s3 }, 'toDirectory');
    } catch (err) {
      if (dir === undefined) await fsp.rm(target, { recursive: true, force: true });
      throw err instanceof StorageNotFoundError ? new CheckpointNotFoundError(this.path, 'toDirectory', { cause: err }) : err;
    }
    return target;
  }

  /**
   * Runs `fn` with a local directory holding the checkpoint: the checkpoint's own
   * directory when local (no copy; do not modify it), else a temporary download that
   * is removed when `fn` settles.
   * @throws CheckpointNotFoundError when the checkpoint does not exist.
   */
  async asDirectory<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
    if (!this.isRemote) {
      const st = await fsp.stat(this.path).catch(() => undefined);
      if (!st?.isDirectory()) throw new CheckpointNotFoundError(this.path, 'asDirectory');
      return fn(this.path);
    }
    const dir = await this.toDirectory();
    try {
      return await fn(dir);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }

  /** Lists the checkpoint's files (relative paths, hidden ones included), sorted. */
  async files(): Promise<string[]> {
    return (await listTree(this.path, this.s3)).map((f) => f.rel);
  }

  /** The metadata in `.metadata.json`, or `{}` when there is none. */
  async getMetadata(): Promise<Record<string, unknown>> {
    const p = joinStorage(this.path, METADATA_FILE);
    let bytes: Uint8Array;
    try {
      bytes = await fsFor(p, this.s3).read(p);
    } catch (err) {
      const e = storageError(p, 'getMetadata', err);
      if (e instanceof StorageNotFoundError) return {};
      throw e;
    }
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw storageError(p, 'getMetadata', err);
    }
  }

  /**
   * Replaces the metadata (JSON-serializable plain object) in `.metadata.json`.
   * @throws TypeError when `metadata` is not a plain object or not JSON-serializable.
   */
  async setMetadata(metadata: Record<string, unknown>): Promise<void> {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new TypeError('metadata must be a plain object');
    }
    const p = joinStorage(this.path, METADATA_FILE);
    const text = JSON.stringify(metadata); // throws TypeError for BigInt / cycles
    try {
      await fsFor(p, this.s3).write(p, [Buffer.from(text, 'utf8')]);
    } catch (err) {
      throw storageError(p, 'setMetadata', err);
    }
  }

  /** Merges keys into the metadata (shallow) and returns the result. */
  async updateMetadata(metadata: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new TypeError('metadata must be a plain object');
    }
    const merged = { ...(await this.getMetadata()), ...metadata };
    await this.setMetadata(merged);
    return merged;
  }

  /**
   * Loads the tfjs `LayersModel` saved by {@link Checkpoint.fromModel} (downloading
   * from S3 when needed); loads tfjs lazily.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async loadModel(options: { optimizer?: unknown } = {}): Promise<any> {
    const { loadModelFromDirectory } = await import('../tfjs/model-io.js');
    return this.asDirectory((dir) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      loadModelFromDirectory(dir, options.optimizer === undefined ? {} : { optimizer: options.optimizer as any }),
    );
  }

  /** Plain data: `{ path, s3? }`. */
  toJSON(): CheckpointData {
    return this.s3 ? { path: this.path, s3: { ...this.s3 } } : { path: this.path };
  }

  /** `Checkpoint(<path>)`. */
  toString(): string {
    return `Checkpoint(${this.path})`;
  }
}

/** Validates `options.files` before anything is written. */
function checkFiles(files: Record<string, string | Uint8Array>): [string, string | Uint8Array][] {
  if (typeof files !== 'object' || files === null) throw new TypeError('options.files must be an object of path → string | Uint8Array');
  const entries = Object.entries(files);
  for (const [rel, content] of entries) {
    fileUnder(tmpdir(), rel);
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
      throw new TypeError(`options.files['${rel}'] must be a string or Uint8Array`);
    }
  }
  return entries;
}

async function writeFiles(files: [string, string | Uint8Array][], targets: string[]): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    const content = files[i]![1];
    await fsp.mkdir(dirname(targets[i]!), { recursive: true });
    await fsp.writeFile(targets[i]!, content);
  }
}

// The constructor is private (fromDirectory normalizes paths); the serializer only needs the prototype.
registerSerializer(Checkpoint as unknown as abstract new () => Checkpoint, {
  name: 'ray-ts.train.Checkpoint',
  serialize: (c: Checkpoint) => c.toJSON(),
  deserialize: (d: CheckpointData) => Checkpoint.fromJSON(d),
});
