/**
 * Whole-directory operations over the file-system layer of `@ray-ts/data`: list every
 * file of a tree (hidden ones too: a checkpoint's `.metadata.json`), list child
 * directories, test, remove and copy trees between local disk and S3 in any direction.
 * Local→local copies use `fs.cp`; anything touching S3 goes file by file through the
 * data layer's client, a few files in flight.
 */
import { ListObjectsV2Command, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { fileSystemFor, FileNotFoundError, isS3Path, type FileSystem, type S3Options } from '@ray-ts/data';
import * as fsp from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { StorageNotFoundError, TrainStorageError } from '../checkpoint/errors.js';
import { joinStorage, splitS3 } from './paths.js';

/** A file of a tree: its path relative to the tree's root (`/`-separated) and size. */
export interface TreeFile {
  /** Path relative to the root, with `/` separators. */
  rel: string;
  /** Size in bytes. */
  size: number;
}

/** Files copied concurrently to or from S3. */
const COPY_CONCURRENCY = 8;

/** Wraps a failure of the data layer or node fs into a storage error naming the path. */
export function storageError(path: string, operation: string, err: unknown): Error {
  if (err instanceof TrainStorageError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof FileNotFoundError || code === 'ENOENT') return new StorageNotFoundError(path, operation, { cause: err });
  const inner = err instanceof Error ? err.message : String(err);
  return new TrainStorageError(path, operation, `${operation} failed at ${path}: ${inner}. Check permissions, space and (for s3://) the endpoint and credentials.`, { cause: err });
}

/**
 * The SDK client behind the data layer's S3 file system. `@ray-ts/data` exposes it on
 * its S3 file system for calls its `FileSystem` interface lacks (listing hidden keys,
 * listing "directories", deleting one object); we use it for those three only.
 */
function s3ClientOf(fs: FileSystem): S3Client | undefined {
  const c = (fs as { client?: { send?: unknown } }).client;
  return c && typeof c.send === 'function' ? (c as S3Client) : undefined;
}

/** The data layer's file system for a path. */
export function fsFor(path: string, s3: S3Options | undefined): FileSystem {
  return fileSystemFor(path, s3);
}

async function walkLocal(root: string, dir: string, out: TreeFile[]): Promise<void> {
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const st = e.isSymbolicLink() ? await fsp.stat(p) : undefined;
    if (e.isDirectory() || st?.isDirectory()) await walkLocal(root, p, out);
    else if (e.isFile() || st?.isFile()) out.push({ rel: relative(root, p).split(sep).join('/'), size: (await fsp.stat(p)).size });
  }
}

/** Every file under a directory, hidden ones included, sorted by path; `[]` when it does not exist. */
export async function listTree(dir: string, s3?: S3Options): Promise<TreeFile[]> {
  const out: TreeFile[] = [];
  if (!isS3Path(dir)) {
    try {
      await walkLocal(dir, dir, out);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw storageError(dir, 'list', err);
    }
  } else {
    const fs = fsFor(dir, s3);
    const client = s3ClientOf(fs);
    const { bucket, key } = splitS3(dir);
    const prefix = key === '' ? '' : `${key}/`;
    if (!client) {
      // Fallback for a data layer without a client: its expand() skips hidden names.
      const files = await fs.expand(dir).catch((err: unknown) => (err instanceof FileNotFoundError ? [] : Promise.reject(storageError(dir, 'list', err))));
      for (const f of files) out.push({ rel: splitS3(f.path).key.slice(prefix.length), size: f.size });
    } else {
      let token: string | undefined;
      try {
        do {
          const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          for (const o of r.Contents ?? []) {
            if (o.Key && !o.Key.endsWith('/')) out.push({ rel: o.Key.slice(prefix.length), size: o.Size ?? 0 });
          }
          token = r.IsTruncated ? r.NextContinuationToken : undefined;
        } while (token);
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchBucket') return [];
        throw storageError(dir, 'list', err);
      }
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Names of the immediate subdirectories of `dir`, sorted; `[]` when it does not exist. */
export async function listDirs(dir: string, s3?: S3Options): Promise<string[]> {
  if (!isS3Path(dir)) {
    try {
      const entries = await fsp.readdir(dir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw storageError(dir, 'listDirs', err);
    }
  }
  const client = s3ClientOf(fsFor(dir, s3));
  if (!client) {
    const names = new Set((await listTree(dir, s3)).filter((f) => f.rel.includes('/')).map((f) => f.rel.slice(0, f.rel.indexOf('/'))));
    return [...names].sort();
  }
  const { bucket, key } = splitS3(dir);
  const prefix = key === '' ? '' : `${key}/`;
  const names: string[] = [];
  let token: string | undefined;
  try {
    do {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
      for (const p of r.CommonPrefixes ?? []) if (p.Prefix) names.push(p.Prefix.slice(prefix.length).replace(/\/$/, ''));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchBucket') return [];
    throw storageError(dir, 'listDirs', err);
  }
  return names.sort();
}

/** True when a file, or a directory (S3: a prefix with objects), exists at the path. */
export async function pathExists(path: string, s3?: S3Options): Promise<boolean> {
  if (!isS3Path(path)) {
    try {
      await fsp.stat(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw storageError(path, 'exists', err);
    }
  }
  try {
    await fsFor(path, s3).size(path);
    return true;
  } catch (err) {
    if (!(err instanceof FileNotFoundError)) throw storageError(path, 'exists', err);
  }
  return (await listTree(path, s3)).length > 0;
}

/** Removes a file or a whole directory (S3: the object and every key under the prefix). Missing is fine. */
export async function removePath(path: string, s3?: S3Options): Promise<void> {
  try {
    if (!isS3Path(path)) return await fsp.rm(path, { recursive: true, force: true });
    const fs = fsFor(path, s3);
    await fs.removeTree(path);
    const client = s3ClientOf(fs);
    const { bucket, key } = splitS3(path);
    if (client && key !== '') await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchBucket') return;
    throw storageError(path, 'remove', err);
  }
}

/**
 * Copies every file of `src` into `dst` (files are added or replaced; other files in
 * `dst` stay). Either side may be local or S3.
 * @throws StorageNotFoundError when `src` has no files.
 */
export async function copyTree(src: string, dst: string, s3: { src?: S3Options; dst?: S3Options } = {}, operation = 'copy'): Promise<void> {
  if (src === dst) return;
  if (!isS3Path(src) && !isS3Path(dst)) {
    try {
      if (!(await fsp.stat(src)).isDirectory()) throw new StorageNotFoundError(src, operation);
      await fsp.cp(src, dst, { recursive: true, force: true });
      return;
    } catch (err) {
      throw storageError(src, operation, err);
    }
  }
  const files = await listTree(src, s3.src);
  if (files.length === 0) throw new StorageNotFoundError(src, operation);
  const from = fsFor(src, s3.src);
  const to = fsFor(dst, s3.dst);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++]!;
      const s = joinStorage(src, f.rel);
      const d = joinStorage(dst, f.rel);
      let bytes: Uint8Array;
      try {
        bytes = await from.read(s);
      } catch (err) {
        throw storageError(s, operation, err);
      }
      try {
        await to.write(d, [bytes]);
      } catch (err) {
        throw storageError(d, operation, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, files.length) }, worker));
}
