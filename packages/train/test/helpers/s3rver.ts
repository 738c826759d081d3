/**
 * Starts s3rver (an in-process S3 look-alike) on loopback with a fresh directory and one
 * bucket, as packages/data/test-io/s3.test.ts does; `close()` stops it and removes the files.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Options } from '@ray-ts/data';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const S3rver = createRequire(import.meta.url)('s3rver') as new (o: object) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

/** A running s3rver. */
export interface S3Fixture {
  /** Settings that reach it. */
  s3: S3Options;
  /** The bucket created at start. */
  bucket: string;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 (port 0) with `bucket` created. */
export async function startS3rver(bucket = 'bkt'): Promise<S3Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ray-ts-train-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = await server.run();
  const s3: S3Options = {
    endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  const client = new S3Client({ ...s3, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as never);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    s3,
    bucket,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
