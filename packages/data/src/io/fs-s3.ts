/**
 * The S3 {@link FileSystem} over @aws-sdk/client-s3. Settings are plain data
 * ({@link S3Options}) so they travel inside read and write task params; each process
 * keeps one client per distinct settings.
 */
import {
  CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand,
  HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { DataSourceError, FileNotFoundError } from './errors.js';
import type { FileSystem, FileWriter } from './filesystem.js';
import { globToRegExp, hasExtension, hasGlob, hasHiddenSegment, parseS3Url, s3Url, splitGlob, type FileInfo } from './paths.js';

/** S3 settings. Plain, serializable data. */
export interface S3Options {
  /** Endpoint of an S3-compatible service (MinIO, s3rver). @default env `AWS_ENDPOINT_URL`, else AWS */
  endpoint?: string;
  /** @default env `AWS_REGION` / `AWS_DEFAULT_REGION`, else `'us-east-1'` */
  region?: string;
  /** Use `endpoint/bucket/key` URLs instead of virtual hosts. @default true when `endpoint` is set */
  forcePathStyle?: boolean;
  /** Explicit credentials. @default the AWS SDK's provider chain (env `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles, roles) */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Completes S3 settings from the environment, once, in the driver. Credentials are
 * copied only when given explicitly, so secrets from the environment do not travel in
 * task params (workers inherit the driver's environment and find them there).
 */
export function resolveS3Options(options: S3Options = {}, env: NodeJS.ProcessEnv = process.env): S3Options {
  const endpoint = options.endpoint ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
  const out: S3Options = {
    region: options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'),
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
  };
  if (endpoint !== undefined) out.endpoint = endpoint;
  if (options.credentials) out.credentials = { ...options.credentials };
  return Object.freeze(out);
}

/** True when an SDK error is a 404 / NoSuchKey / NoSuchBucket. */
function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.name === 'NoSuchBucket' || e?.$metadata?.httpStatusCode === 404;
}

function s3Error(path: string, err: unknown): Error {
  if (err instanceof DataSourceError) return err;
  const name = (err as { name?: string })?.name;
  if (name === 'NoSuchBucket') return new FileNotFoundError(path, 'no such bucket', { cause: err });
  if (isNotFound(err)) return new FileNotFoundError(path, 'no such key', { cause: err });
  return new DataSourceError(path, `${path}: S3 request failed: ${name ?? ''} ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** S3 (or an S3-compatible service) through one client. */
export class S3FileSystem implements FileSystem {
  private static readonly instances = new Map<string, S3FileSystem>();
  /** The SDK client (exposed for tests and tools that need other S3 calls). */
  readonly client: S3Client;

  private constructor(options: S3Options) {
    const o = resolveS3Options(options);
    const config: S3ClientConfig = { region: o.region, forcePathStyle: o.forcePathStyle };
    if (o.endpoint) {
      config.endpoint = o.endpoint;
      // S3-compatible servers often lack the newer default checksums.
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    if (o.credentials) config.credentials = o.credentials;
    this.client = new S3Client(config);
  }

  /** The file system for these settings (one client per distinct settings in a process). */
  static get(options: S3Options): S3FileSystem {
    const key = JSON.stringify(resolveS3Options(options));
    let fs = S3FileSystem.instances.get(key);
    if (!fs) S3FileSystem.instances.set(key, (fs = new S3FileSystem(options)));
    return fs;
  }

  /** Destroys every cached client (sockets), e.g. at the end of a test. */
  static closeAll(): void {
    for (const fs of S3FileSystem.instances.values()) fs.client.destroy();
    S3FileSystem.instances.clear();
  }

  private async list(bucket: string, prefix: string, url: string): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of r.Contents ?? []) {
          if (o.Key && !o.Key.endsWith('/')) out.push({ path: s3Url(bucket, o.Key), size: o.Size ?? 0 });
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw s3Error(url, err);
    }
    return out;
  }

  /** @inheritDoc */
  async expand(input: string, extensions?: readonly string[]): Promise<FileInfo[]> {
    const { bucket, key } = parseS3Url(input);
    if (hasGlob(key)) {
      const { base, rest } = splitGlob(key);
      const prefix = base === '' ? '' : `${base}/`;
      const re = globToRegExp(rest);
      const files = (await this.list(bucket, prefix, input)).filter((f) => {
        const rel = parseS3Url(f.path).key.slice(prefix.length);
        return re.test(rel) && !hasHiddenSegment(rel);
      });
      if (files.length === 0) throw new FileNotFoundError(input, 'the glob matched no objects');
      return files;
    }
    const listed = await this.list(bucket, key, input);
    const exact = listed.find((f) => parseS3Url(f.path).key === key);
    if (exact && key !== '') return [exact];
    const dir = key === '' || key.endsWith('/') ? key : `${key}/`;
    const files = listed.filter((f) => {
      const k = parseS3Url(f.path).key;
      return k.startsWith(dir) && !hasHiddenSegment(k.slice(dir.length)) && hasExtension(k, extensions);
    });
    if (files.length === 0) throw new FileNotFoundError(input, 'no objects under this prefix');
    return files;
  }

  /** @inheritDoc */
  async size(path: string): Promise<number> {
    const { bucket, key } = parseS3Url(path);
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? 0;
    } catch (err) {
      throw s3Error(path, err);
    }
  }

  private async get(path: string, range?: string): Promise<Readable> {
    const { bucket, key } = parseS3Url(path);
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
      return r.Body as Readable;
    } catch (err) {
      throw s3Error(path, err);
    }
  }

  /** @inheritDoc */
  async read(path: string): Promise<Uint8Array> {
    return collect(path, await this.get(path));
  }

  /** @inheritDoc */
  async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    return collect(path, await this.get(path, `bytes=${start}-${end - 1}`));
  }

  /** @inheritDoc */
  async openStream(path: string): Promise<Readable> {
    return this.get(path);
  }

  /** @inheritDoc */
  async write(path: string, chunks: Uint8Array[]): Promise<void> {
    const { bucket, key } = parseS3Url(path);
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    } catch (err) {
      throw s3Error(path, err);
    }
  }

  /** @inheritDoc */
  async createWriter(path: string): Promise<FileWriter> {
    const chunks: Uint8Array[] = [];
    return {
      write: async (chunk) => {
        chunks.push(chunk);
      },
      close: () => this.write(path, chunks),
      abort: async () => {
        chunks.length = 0;
      },
    };
  }

  /** @inheritDoc */
  async move(from: string, to: string): Promise<void> {
    const src = parseS3Url(from);
    const dst = parseS3Url(to);
    const copySource = `${src.bucket}/${encodeURIComponent(src.key).replace(/%2F/g, '/')}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: dst.bucket, Key: dst.key, CopySource: copySource }));
      await this.client.send(new DeleteObjectCommand({ Bucket: src.bucket, Key: src.key }));
    } catch (err) {
      throw s3Error(from, err);
    }
  }

  /** @inheritDoc */
  async removeTree(dir: string): Promise<void> {
    const { bucket, key } = parseS3Url(dir);
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    let files: FileInfo[];
    try {
      files = await this.list(bucket, prefix, dir);
    } catch (err) {
      if (err instanceof FileNotFoundError) return;
      throw err;
    }
    for (let i = 0; i < files.length; i += 1000) {
      const Objects = files.slice(i, i + 1000).map((f) => ({ Key: parseS3Url(f.path).key }));
      try {
        await this.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
      } catch (err) {
        throw s3Error(dir, err);
      }
    }
  }

  /** @inheritDoc */
  async ensureDir(dir: string): Promise<void> {
    const { bucket } = parseS3Url(dir);
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (err) {
      throw isNotFound(err) ? new FileNotFoundError(dir, `bucket '${bucket}' does not exist`, { cause: err }) : s3Error(dir, err);
    }
  }
}

async function collect(path: string, body: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of body) chunks.push(c as Buffer);
  } catch (err) {
    throw s3Error(path, err);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
