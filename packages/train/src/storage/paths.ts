/**
 * Path helpers for run storage: local paths and `s3://bucket/prefix` URLs, joined with
 * one `/`, and split into bucket and key for the few S3 calls the file-system layer of
 * `@ray-ts/data` does not offer.
 */
import { isS3Path } from '@ray-ts/data';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Normalizes a storage location: `s3://` URLs lose trailing slashes; local paths expand
 * a leading `~` and become absolute (so they mean the same in every process).
 * @throws TypeError naming `field` when the path is empty or an `s3://` URL has no bucket.
 */
export function normalizeStoragePath(path: string, field: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${field} must be a non-empty string`);
  if (isS3Path(path)) {
    const trimmed = path.replace(/\/+$/, '');
    if (trimmed.length <= 's3://'.length || trimmed.slice(5).startsWith('/')) {
      throw new TypeError(`${field} '${path}' has no bucket (expected s3://bucket/prefix)`);
    }
    return trimmed;
  }
  const expanded = path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  return resolve(expanded);
}

/** Joins a directory (local or `s3://`) and relative parts with `/` (local: the platform separator). */
export function joinStorage(dir: string, ...parts: string[]): string {
  if (!isS3Path(dir)) return join(dir, ...parts);
  const tail = parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p.length > 0).join('/');
  if (tail === '') return dir;
  return dir.endsWith('/') ? `${dir}${tail}` : `${dir}/${tail}`;
}

/**
 * Resolves a storage-side argument: absolute local paths and `s3://` URLs stay as they
 * are, relative paths are taken relative to `base` (the run directory).
 */
export function resolveAgainst(base: string, path: string): string {
  if (isS3Path(path) || isAbsolute(path)) return normalizeStoragePath(path, 'path');
  return joinStorage(base, path);
}

/** Splits `s3://bucket/key` into bucket and key (no trailing slash). */
export function splitS3(url: string): { bucket: string; key: string } {
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: rest, key: '' };
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1).replace(/\/+$/, '') };
}

/** True when `child` is `parent` or lies below it. */
export function isWithin(parent: string, child: string): boolean {
  if (child === parent) return true;
  const sep = isS3Path(parent) ? '/' : parent.includes('\\') && !parent.includes('/') ? '\\' : '/';
  return child.startsWith(parent.endsWith(sep) ? parent : `${parent}${sep}`);
}
