// Datasets on S3 end to end (s3rver on loopback): every source and sink on `s3://`, and
// the transforms, all-to-all operators and splits over data read from S3, run by workers.
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import { S3FileSystem, type S3Options } from '../src/io/index.js';
import * as udfs from '../test/fixtures/udfs.js';
import { tempDir } from './helpers.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const S3rver = createRequire(import.meta.url)('s3rver') as new (o: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };

const rows = Array.from({ length: 60 }, (_, i) => ({ id: i, g: `g${i % 4}`, v: i % 7 === 0 ? null : i / 2 }));
const byId = (a: data.Row, b: data.Row) => (a.id as number) - (b.id as number);

describe('datasets on s3:// (s3rver on loopback)', () => {
  const t = tempDir('ray-ts-s3rver-ds-');
  let server: InstanceType<typeof S3rver> | undefined;
  let s3: S3Options;

  before(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, directory: t.dir, silent: true });
    const { port } = await server.run();
    s3 = { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
    const client = S3FileSystem.get(s3).client;
    await client.send(new CreateBucketCommand({ Bucket: 'dsbkt' }));
    await client.send(new PutObjectCommand({ Bucket: 'dsbkt', Key: 'text/a.txt', Body: 'alpha\nbeta\n' }));
    await client.send(new PutObjectCommand({ Bucket: 'dsbkt', Key: 'text/b.txt', Body: 'gamma\n' }));
    await ray.init({ numCpus: 2 });
    await data.fromItems(rows, { overrideNumBlocks: 3 }).writeParquet('s3://dsbkt/rows/pq', { s3 });
  });

  after(async () => {
    ray.shutdown();
    S3FileSystem.closeAll();
    await server?.close();
    t.cleanup();
  });

  it('writeParquet then readParquet, with map, filter and a projection', async () => {
    assert.deepEqual((await data.readParquet('s3://dsbkt/rows/pq', { s3 }).takeAll()).sort(byId), rows);
    const even = await data.readParquet('s3://dsbkt/rows/pq', { s3 }).filter(udfs.isEven).map(udfs.addDouble).takeAll();
    assert.deepEqual(even.sort(byId), rows.filter((r) => r.id % 2 === 0).map((r) => ({ id: r.id, double: r.id * 2 })));
    const projected = data.readParquet('s3://dsbkt/rows/pq', { s3 }).selectColumns(['g']);
    assert.match(await projected.explain(), /ReadParquet\[columns=\[g\]\]/);
    assert.equal((await projected.takeAll()).filter((r) => r.g === 'g1').length, 15);
  });

  it('groupBy, sort, repartition, randomShuffle and splits over S3 data', async () => {
    const ds = () => data.readParquet('s3://dsbkt/rows/pq', { s3 });
    const groups = await ds().groupBy('g').aggregate(new data.Count(), new data.Sum('v'), new data.Max('v')).takeAll();
    const want = ['g0', 'g1', 'g2', 'g3'].map((g) => {
      const vs = rows.filter((r) => r.g === g).map((r) => r.v).filter((v): v is number => v !== null);
      return { g, 'count()': 15, 'sum(v)': vs.reduce((a, b) => a + b, 0), 'max(v)': Math.max(...vs) };
    });
    assert.deepEqual(groups, want);
    assert.deepEqual((await ds().sort('id', { descending: true }).takeAll()).map((r) => r.id), rows.map((r) => r.id).reverse());
    const m = await ds().repartition(5).materialize();
    assert.equal(m.numBlocks(), 5);
    assert.deepEqual((await ds().randomShuffle({ seed: 3 }).takeAll()).sort(byId), rows);
    const parts = await ds().split(2, { equal: true });
    assert.deepEqual(await Promise.all(parts.map((p) => p.count())), [30, 30]);
    const its = await ds().streamingSplit(2, { equal: true });
    const counts = await Promise.all(its.map(async (it) => {
      let n = 0;
      for await (const b of it.iterBatches({ batchSize: 7 })) n += (b.id as ArrayLike<number>).length;
      return n;
    }));
    assert.deepEqual(counts, [30, 30]);
  });

  it('writeCsv / readCsv and writeJson / readJson on s3://, read back through a glob', async () => {
    await data.readParquet('s3://dsbkt/rows/pq', { s3 }).writeCsv('s3://dsbkt/rows/csv', { s3 });
    assert.deepEqual((await data.readCsv('s3://dsbkt/rows/csv/*.csv', { s3 }).takeAll()).sort(byId), rows);
    await data.readParquet('s3://dsbkt/rows/pq', { s3 }).map(udfs.addDouble).writeJson('s3://dsbkt/rows/json', { s3 });
    assert.deepEqual((await data.readJson('s3://dsbkt/rows/json', { s3 }).takeAll()).sort(byId), rows.map((r) => ({ id: r.id, double: r.id * 2 })));
  });

  it('readText and readBinaryFiles of S3 objects', async () => {
    assert.deepEqual((await data.readText('s3://dsbkt/text', { s3 }).takeAll()).map((r) => r.text), ['alpha', 'beta', 'gamma']);
    const files = await data.readBinaryFiles('s3://dsbkt/text/', { s3, includePaths: true }).takeAll();
    assert.deepEqual(files.map((f) => [f.path, Buffer.from(f.bytes as Uint8Array).toString()]), [['s3://dsbkt/text/a.txt', 'alpha\nbeta\n'], ['s3://dsbkt/text/b.txt', 'gamma\n']]);
  });

  it('a failing write to S3 leaves no object behind; a missing key is a FileNotFoundError', async () => {
    await assert.rejects(data.range(40, { overrideNumBlocks: 4 }).map(udfs.failOnSeven).writeParquet('s3://dsbkt/failed', { s3 }), data.DatasetWriteError);
    const left = await S3FileSystem.get(s3).client.send(new ListObjectsV2Command({ Bucket: 'dsbkt', Prefix: 'failed/' }));
    assert.equal(left.KeyCount ?? 0, 0);
    await assert.rejects(data.readParquet('s3://dsbkt/nothing/here.parquet', { s3 }).takeAll(), data.FileNotFoundError);
  });
});
