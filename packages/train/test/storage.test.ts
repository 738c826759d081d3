import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StorageNotFoundError, TrainStorageError } from '../src/checkpoint/index.js';
import { RunStorage, resolveStorageOptions } from '../src/storage/index.js';
import { startS3rver, type S3Fixture } from './helpers/s3rver.js';
import { assertTree, tempDirs, writeRandomTree } from './helpers/tree.js';

describe('storage options', () => {
  it('resolves defaults, normalizes and freezes', () => {
    const o = resolveStorageOptions({ storagePath: 's3://b/results/', name: 'exp' }, {});
    assert.deepEqual({ ...o }, { storagePath: 's3://b/results', name: 'exp', s3: { region: 'us-east-1', forcePathStyle: false } });
    assert.ok(Object.isFrozen(o));
    assert.match(resolveStorageOptions({}, {}).name, /^run_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$/);
    assert.equal(resolveStorageOptions({ storagePath: '/x/y/' }, {}).storagePath, '/x/y');
    assert.equal(resolveStorageOptions({ storagePath: 's3://b' }, { AWS_ENDPOINT_URL: 'http://h:1' }).s3?.endpoint, 'http://h:1');
  });

  it('rejects bad fields with TypeError / RangeError naming them', () => {
    assert.throws(() => resolveStorageOptions({ storagePath: '' }), (e: Error) => e.constructor === TypeError && /options\.storagePath/.test(e.message));
    assert.throws(() => resolveStorageOptions({ storagePath: 's3://' }), (e: Error) => e.constructor === TypeError && /bucket/.test(e.message));
    assert.throws(() => resolveStorageOptions({ name: 'a/b' }), (e: Error) => e.constructor === RangeError && /options\.name/.test(e.message));
    assert.throws(() => resolveStorageOptions({ name: 3 as never }), (e: Error) => e.constructor === TypeError && /options\.name/.test(e.message));
    assert.throws(() => new RunStorage('/tmp/x', 'nope' as never), (e: Error) => e.constructor === TypeError && /s3/.test(e.message));
  });

  it('serializes as plain data', () => {
    const s = RunStorage.fromOptions({ storagePath: 's3://b/p', name: 'r', s3: { endpoint: 'http://e:1' } });
    const back = RunStorage.fromJSON(JSON.parse(JSON.stringify(s)));
    assert.equal(back.root, 's3://b/p/r');
    assert.equal(back.s3?.endpoint, 'http://e:1');
    assert.equal(s.checkpointPath(3), 's3://b/p/r/checkpoint_000003');
  });
});

for (const where of ['local', 's3'] as const) {
  describe(`RunStorage (${where})`, () => {
    const t = tempDirs();
    let fx: S3Fixture | undefined;
    let storage: RunStorage;

    before(async () => {
      if (where === 's3') fx = await startS3rver();
      storage = fx ? RunStorage.fromOptions({ storagePath: `s3://${fx.bucket}/results`, name: 'run1', s3: fx.s3 })
        : RunStorage.fromOptions({ storagePath: t.make(), name: 'run1' });
    });
    after(async () => {
      await fx?.close();
      t.cleanup();
    });

    it('uploads and downloads a tree bit-exact (nested, hidden, empty files)', async () => {
      const src = t.make();
      const files = writeRandomTree(src);
      const dest = await storage.uploadDir(src, 'checkpoint_000000');
      assert.equal(dest, storage.join('checkpoint_000000'));
      const back = t.make();
      await storage.downloadDir('checkpoint_000000', back);
      assertTree(back, files);
    });

    it('lists directories, tests existence, removes', async () => {
      const src = t.make();
      writeFileSync(join(src, 'a.txt'), 'a');
      await storage.uploadDir(src, 'checkpoint_000001');
      await storage.writeJson('sub/x.json', { x: 1 });
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000000', 'checkpoint_000001', 'sub']);
      assert.deepEqual(await storage.listDirs('nope'), []);
      assert.equal(await storage.exists('checkpoint_000001'), true);
      assert.equal(await storage.exists('checkpoint_000001/a.txt'), true);
      assert.equal(await storage.exists('checkpoint_00000'), false);
      await storage.remove('checkpoint_000001');
      await storage.remove('sub/x.json');
      await storage.remove('sub');
      await storage.remove('never-there');
      assert.equal(await storage.exists('checkpoint_000001'), false);
      assert.equal(await storage.exists('sub/x.json'), false);
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000000']);
    });

    it('writes and reads JSON; missing files are typed', async () => {
      await storage.writeJson('params.json', { lr: 0.1, nested: { a: [1, 2] } });
      assert.deepEqual(await storage.readJson('params.json'), { lr: 0.1, nested: { a: [1, 2] } });
      await assert.rejects(storage.readJson('missing.json'), (e: Error) => e.constructor === StorageNotFoundError && (e as object) instanceof TrainStorageError);
      await storage.writeFile('bad.json', '{nope');
      await assert.rejects(storage.readJson('bad.json'), (e: Error) => e.constructor === TrainStorageError);
      await assert.rejects(storage.downloadDir('nothing-here', t.make()), (e: Error) => e.constructor === StorageNotFoundError);
      await assert.rejects(storage.uploadDir(join(t.make(), 'missing'), 'x'), (e: Error) => e.constructor === StorageNotFoundError);
      assert.throws(() => storage.uploadDir('s3://b/x', 'y'), TypeError);
    });
  });
}

describe('RunStorage local fast path', () => {
  const t = tempDirs();
  after(() => t.cleanup());
  it('copies local→local with fs.cp, keeping other files', async () => {
    const storage = new RunStorage(t.make());
    const src = t.make();
    const files = writeRandomTree(src);
    writeFileSync(join(storage.root, 'keep.txt'), 'k');
    await storage.uploadDir(src, '.');
    assert.ok(existsSync(join(storage.root, 'keep.txt')));
    files.set('keep.txt', Buffer.from('k'));
    assertTree(storage.root, files);
  });
});
