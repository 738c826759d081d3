/**
 * The raw data set and where it lives: a synthetic, seeded customer-churn table (a
 * categorical column, numeric columns at very different scales, missing cells, a few rows
 * without a label) written as CSV files under `s3://<bucket>/raw/`, and the S3 service it
 * is put in (s3rver on loopback unless an endpoint is given).
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Options } from '@ray-ts/data';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from './rng.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The columns of the raw CSV files, in order; `churned` is the label (1 = left). */
export const RAW_COLUMNS = ['customer_id', 'plan', 'age', 'tenure_months', 'monthly_charges', 'data_gb', 'support_calls', 'churned'] as const;
/** The numeric feature columns (age in years, tenure in months, charges in dollars, data in GB, calls). */
export const NUMERIC_COLUMNS = ['age', 'tenure_months', 'monthly_charges', 'data_gb', 'support_calls'] as const;
/** The categorical feature column. */
export const CATEGORICAL_COLUMN = 'plan';
/** The label column. */
export const LABEL_COLUMN = 'churned';

/** One raw record; `null` is an empty CSV cell. */
export type RawRecord = { customer_id: number; plan: string | null } & Record<(typeof NUMERIC_COLUMNS)[number] | 'churned', number | null>;


/**
 * `n` raw records from `seed`: plan basic/standard/premium (50/30/20 %), monthly charges
 * driven by the plan, churn more likely with short tenure, high charges and many support
 * calls (a logistic model plus noise, so about 80 % is the best accuracy to expect).
 * Missing cells: plan 4 %, age 3 %, monthly_charges 6 %, data_gb 8 %, support_calls 2 %;
 * 1 % of the rows have no label.
 */
export function generateRecords(n: number, seed: number): RawRecord[] {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const missing = (p: number, v: number) => (r() < p ? null : v);
  const out: RawRecord[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    const planIdx = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    const plan = ['basic', 'standard', 'premium'][planIdx]!;
    const age = 18 + Math.floor(r() * 62);
    const tenure = Math.floor(r() ** 1.3 * 72);
    const charges = Math.round((25 + 32 * planIdx + normal() * 9) * 100) / 100;
    const dataGb = Math.round(Math.exp(3 + 0.5 * planIdx + 0.8 * normal()) * 10) / 10;
    const calls = Math.min(12, Math.floor(-Math.log(1 - r()) * 1.6));
    const logit = 1.2 - 0.07 * tenure + 0.035 * (charges - 55) + 0.5 * calls - 0.015 * (age - 45) - 0.9 * (planIdx === 2 ? 1 : 0) + 0.003 * (dataGb - 40);
    const churned = r() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    out.push({
      customer_id: 100_000 + i,
      plan: r() < 0.04 ? null : plan,
      age: missing(0.03, age),
      tenure_months: tenure,
      monthly_charges: missing(0.06, charges),
      data_gb: missing(0.08, dataGb),
      support_calls: missing(0.02, calls),
      churned: missing(0.01, churned),
    });
  }
  return out;
}

/** CSV text (header + rows; missing cells empty) of some records. */
export function toCsv(records: RawRecord[]): string {
  const lines = [RAW_COLUMNS.join(',')];
  for (const rec of records) lines.push(RAW_COLUMNS.map((c) => (rec[c] === null ? '' : String(rec[c]))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Creates the bucket (if missing) and puts the records as `files` CSV files under `s3://bucket/raw/`; returns their keys. */
export async function uploadRawCsv(s3: S3Options, bucket: string, records: RawRecord[], files: number): Promise<string[]> {
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.region ?? 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
  try {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((err as Error).name)) throw err;
    }
    const keys: string[] = [];
    const per = Math.ceil(records.length / files);
    for (let f = 0; f < files; f++) {
      const key = `raw/part-${String(f).padStart(3, '0')}.csv`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: toCsv(records.slice(f * per, (f + 1) * per)), ContentType: 'text/csv' }));
      keys.push(key);
    }
    return keys;
  } finally {
    client.destroy();
  }
}

/** An S3 service for the example: the given endpoint, or s3rver on a free loopback port over a temp directory. */
export interface S3Service {
  readonly s3: S3Options;
  /** 'given' or 's3rver'. */
  readonly kind: 'given' | 's3rver';
  close(): Promise<void>;
}

/**
 * Starts s3rver (an S3 API stand-in on disk) on 127.0.0.1, or uses `endpoint` with the
 * AWS SDK's usual credentials (env `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles).
 */
export async function startS3(endpoint: string | undefined): Promise<S3Service> {
  if (endpoint) return { s3: { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', forcePathStyle: true }, kind: 'given', close: async () => {} };
  type S3rverLike = { run(): Promise<{ port: number }>; close(): Promise<void> };
  const S3rver = createRequire(import.meta.url)('s3rver') as new (o: object) => S3rverLike;
  const dir = mkdtempSync(join(tmpdir(), 'end-to-end-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
  const { port } = await server.run();
  return {
    s3: { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
    kind: 's3rver',
    async close() {
      // Bounded: an idle keep-alive socket must not hold the exit.
      await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
