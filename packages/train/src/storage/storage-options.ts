/**
 * Where a run keeps its results and checkpoints: {@link StorageOptions}, resolved once
 * (validated, defaults filled, frozen) by {@link resolveStorageOptions}.
 */
import { isS3Path, resolveS3Options, type S3Options } from '@ray-ts/data';
import { normalizeStoragePath } from './paths.js';

/** Storage settings of a run, like Ray's `RunConfig(storage_path=..., name=...)`. */
export interface StorageOptions {
  /**
   * Root of all runs: a local directory (`~` expands; relative paths resolve against the
   * current directory) or `s3://bucket/prefix`.
   * @default env `RAY_TS_STORAGE_PATH`, else `~/ray_results`
   */
  storagePath?: string;
  /**
   * Name of the run; its directory is `<storagePath>/<name>`. One path segment.
   * @default `run_<YYYY-MM-DD_HH-MM-SS>` (local time, at resolve time)
   */
  name?: string;
  /**
   * S3 settings (endpoint, region, credentials) for `s3://` paths. Plain data, so it
   * travels to workers.
   * @default env `AWS_ENDPOINT_URL` / `AWS_REGION` through `resolveS3Options` of `@ray-ts/data`
   */
  s3?: S3Options;
}

/** {@link StorageOptions} after validation: complete and frozen. */
export interface ResolvedStorageOptions {
  /** Normalized root (absolute local path or `s3://bucket/prefix` without a trailing slash). */
  readonly storagePath: string;
  /** The run's name. */
  readonly name: string;
  /** Resolved S3 settings when the root is on S3, else undefined. */
  readonly s3: S3Options | undefined;
}

function defaultName(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `run_${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}_${p(now.getHours())}-${p(now.getMinutes())}-${p(now.getSeconds())}`;
}

/**
 * Validates and completes storage options.
 * @throws TypeError naming the field (`options.storagePath`, `options.name`, `options.s3`).
 * @throws RangeError when `options.name` is not a single path segment.
 */
export function resolveStorageOptions(options: StorageOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedStorageOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('storage options must be an object');
  const root = options.storagePath ?? (env.RAY_TS_STORAGE_PATH || '~/ray_results');
  const storagePath = normalizeStoragePath(root, 'options.storagePath');
  const name = options.name ?? defaultName(new Date());
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('options.name must be a non-empty string');
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    throw new RangeError(`options.name must be one path segment (no '/', '\\', '.' or '..'), got '${name}'`);
  }
  if (options.s3 !== undefined && (typeof options.s3 !== 'object' || options.s3 === null)) {
    throw new TypeError('options.s3 must be an S3Options object');
  }
  const s3 = isS3Path(storagePath) ? resolveS3Options(options.s3 ?? {}, env) : options.s3 ? resolveS3Options(options.s3, env) : undefined;
  return Object.freeze({ storagePath, name, s3 });
}
