import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Float64, Int32, Utf8 } from 'apache-arrow';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import {
  csvDatasink, csvDatasource, FileNotFoundError, parquetDatasink, parquetDatasource, S3FileSystem, tableFromColumns,
  writerFor, type S3Options, type WriteResult,
} from '../src/io/index.js';
import { asyncBufferOf, readParquetMetadata } from '../src/io/parquet-schema.js';
import { readAll, readRows, rowsOf, tempDir, writeAll } from './helpers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const S3rver = createRequire(import.meta.url)('s3rver') as new (o: object) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

const table = (n: number) =>
  tableFromColumns([
    { name: 'id', type: new Int32(), values: Array.from({ length: n }, (_, i) => i) },
    { name: 'x', type: new Float64(), values: Array.from({ length: n }, (_, i) => i * 1.5) },
    { name: 's', type: new Utf8(), values: Array.from({ length: n }, (_, i) => (i % 5 ? `s${i}` : null)) },
  ], n);

describe('s3 (s3rver on loopback)', () => {
  const t = tempDir('ray-ts-s3rver-');
  let server: InstanceType<typeof S3rver> | undefined;
  let s3: S3Options;

  before(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, directory: t.dir, silent: true });
    const { port } = await server.run();
    s3 = { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    await S3FileSystem.get(s3).client.send(new CreateBucketCommand({ Bucket: 'bkt' }));
  });

  after(async () => {
    S3FileSystem.closeAll();
    await server?.close();
    t.cleanup();
  });

  it('writes parquet to s3:// and reads it back', async () => {
    await writeAll(parquetDatasink('s3://bkt/data/pq', { s3, rowGroupRows: 50 }), [[table(120)], [table(80)]]);
    const { tasks, blocks } = await readAll(parquetDatasource('s3://bkt/data/pq', { s3 }), 4);
    assert.equal(tasks.length, 4);
    assert.equal(tasks[0]!.params.s3 && (tasks[0]!.params.s3 as S3Options).endpoint, s3.endpoint);
    const rows = rowsOf(blocks);
    assert.equal(rows.length, 200);
    assert.deepEqual(rows.slice(0, 120), rowsOf([table(120)]));
    assert.deepEqual(blocks[0]!.schema.fields.map((f) => String(f.type)), ['Int32', 'Float64', 'Utf8']);
  });

  it('reads parquet with byte-range requests', async () => {
    const [file] = await S3FileSystem.get(s3).expand('s3://bkt/data/pq/part-00000-*.parquet');
    const buf = await asyncBufferOf(S3FileSystem.get(s3), file!.path, file!.size, 0);
    const md = await readParquetMetadata(buf, file!.path);
    assert.equal(Number(md.num_rows), 120);
    assert.equal(md.row_groups.length, 3);
  });

  it('writes and reads CSV, lists with globs, limits and projects', async () => {
    await writeAll(csvDatasink('s3://bkt/data/csv/', { s3 }), [[table(10)], [table(5)]]);
    const all = await readRows(csvDatasource('s3://bkt/data/csv', { s3, schema: { id: 'int32' } }), 2);
    assert.equal(all.length, 15);
    assert.deepEqual(all.slice(0, 10), rowsOf([table(10)]));
    const globbed = await readRows(csvDatasource('s3://bkt/data/*/part-00001-*.csv', { s3 }), 1, { columns: ['s'], limit: 2 });
    assert.deepEqual(globbed, [{ s: null }, { s: 's1' }]);
    const both = await S3FileSystem.get(s3).expand('s3://bkt/data/**/*.*');
    assert.deepEqual(both.map((f) => f.path.split('.').pop()), ['csv', 'csv', 'parquet', 'parquet']);
  });

  it('abort removes the temporary objects', async () => {
    const sink = parquetDatasink('s3://bkt/aborted', { s3 });
    await sink.start();
    const results: WriteResult[] = [await writerFor('parquet')((async function* () { yield table(3); })(), sink.params, { taskIndex: 0 })];
    const client = S3FileSystem.get(s3).client;
    const before = await client.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: 'aborted/' }));
    assert.equal(before.KeyCount, 1);
    assert.match(before.Contents![0]!.Key!, /^aborted\/\.tmp-[0-9a-f-]+\/part-00000-00000\.parquet$/);
    await sink.abort(results);
    const left = await client.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: 'aborted/' }));
    assert.equal(left.KeyCount ?? 0, 0);
  });

  it('throws FileNotFoundError for a missing key, prefix or bucket', async () => {
    await assert.rejects(parquetDatasource('s3://bkt/nothing/here.parquet', { s3 }).plan(1), (e: unknown) =>
      e instanceof FileNotFoundError && e.message.includes('s3://bkt/nothing/here.parquet'));
    await assert.rejects(csvDatasource('s3://nobucket/x.csv', { s3 }).plan(1), /no such bucket/);
    await assert.rejects(parquetDatasink('s3://nobucket/out', { s3 }).start(), FileNotFoundError);
  });
});
