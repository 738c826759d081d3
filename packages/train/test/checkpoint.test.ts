import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Checkpoint, CheckpointManager, CheckpointManagerStateError, CheckpointNotFoundError, CheckpointScoreAttributeError,
  METADATA_FILE, resolveCheckpointConfig,
} from '../src/checkpoint/index.js';
import { RunStorage } from '../src/storage/index.js';
import { startS3rver, type S3Fixture } from './helpers/s3rver.js';
import { assertTree, tempDirs, writeRandomTree } from './helpers/tree.js';

describe('CheckpointConfig', () => {
  it('defaults to keep all, order max; frozen', () => {
    const c = resolveCheckpointConfig();
    assert.deepEqual({ ...c }, { numToKeep: undefined, checkpointScoreAttribute: undefined, checkpointScoreOrder: 'max' });
    assert.ok(Object.isFrozen(c));
  });

  it('rejects bad fields with exact error types naming the field', () => {
    const bad: Array<[unknown, ErrorConstructor, RegExp]> = [
      [{ numToKeep: 0 }, RangeError, /numToKeep/],
      [{ numToKeep: 1.5 }, RangeError, /numToKeep/],
      [{ numToKeep: '2' }, TypeError, /numToKeep/],
      [{ checkpointScoreAttribute: '' }, TypeError, /checkpointScoreAttribute/],
      [{ checkpointScoreAttribute: 3 }, TypeError, /checkpointScoreAttribute/],
      [{ checkpointScoreOrder: 'up' }, RangeError, /checkpointScoreOrder/],
      [{ checkpointScoreOrder: 1 }, TypeError, /checkpointScoreOrder/],
      [null, TypeError, /checkpointConfig/],
    ];
    for (const [config, cls, re] of bad) {
      assert.throws(() => resolveCheckpointConfig(config as never), (e: Error) => e.constructor === cls && re.test(e.message), JSON.stringify(config));
    }
    const t = tempDirs();
    assert.throws(() => new CheckpointManager(new RunStorage(t.make()), { numToKeep: -1 }), RangeError);
    t.cleanup();
  });
});

for (const where of ['local', 's3'] as const) {
  describe(`Checkpoint (${where})`, () => {
    const t = tempDirs();
    let fx: S3Fixture | undefined;
    let storage: RunStorage;

    before(async () => {
      if (where === 's3') fx = await startS3rver();
      storage = fx ? new RunStorage(`s3://${fx.bucket}/results/run`, fx.s3) : new RunStorage(join(t.make(), 'run'));
    });
    after(async () => {
      await fx?.close();
      t.cleanup();
    });

    /** A checkpoint of random files, persisted into storage. */
    async function persisted(): Promise<{ ckpt: Checkpoint; files: Map<string, Buffer> }> {
      const src = t.make();
      const files = writeRandomTree(src);
      const dest = await storage.uploadDir(src, `ckpt-${Math.random().toString(36).slice(2)}`);
      return { ckpt: Checkpoint.fromDirectory(dest, { s3: storage.s3 }), files };
    }

    it('round-trips bit-exact through toDirectory and asDirectory', async () => {
      const { ckpt, files } = await persisted();
      const dir = await ckpt.toDirectory();
      try {
        assertTree(dir, files);
      } finally {
        (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
      }
      const chosen = join(t.make(), 'chosen');
      assert.equal(await ckpt.toDirectory(chosen), chosen);
      assertTree(chosen, files);
      let seen = '';
      const n = await ckpt.asDirectory((d) => {
        seen = d;
        assertTree(d, files);
        return 42;
      });
      assert.equal(n, 42);
      if (where === 'local') assert.equal(seen, ckpt.path); // no copy when already local
      else assert.equal(existsSync(seen), false); // temporary download removed
      assert.deepEqual(await ckpt.files(), [...files.keys()].sort());
    });

    it('keeps metadata in .metadata.json (get, set, update)', async () => {
      const { ckpt } = await persisted();
      assert.deepEqual(await ckpt.getMetadata(), {});
      await ckpt.setMetadata({ epoch: 3, tags: ['a'] });
      assert.deepEqual(await ckpt.updateMetadata({ step: 10 }), { epoch: 3, tags: ['a'], step: 10 });
      assert.deepEqual(await Checkpoint.fromDirectory(ckpt.path, { s3: storage.s3 }).getMetadata(), { epoch: 3, tags: ['a'], step: 10 });
      assert.ok((await ckpt.files()).includes(METADATA_FILE));
      await assert.rejects(ckpt.setMetadata([] as never), TypeError);
    });

    it('missing checkpoints are typed', async () => {
      const missing = Checkpoint.fromDirectory(storage.join('no-such-checkpoint'), { s3: storage.s3 });
      await assert.rejects(missing.toDirectory(), (e: Error) => e.constructor === CheckpointNotFoundError);
      await assert.rejects(missing.asDirectory(() => 1), (e: Error) => e.constructor === CheckpointNotFoundError);
    });

    it('survives plain-data transport (JSON, structuredClone)', async () => {
      const { ckpt } = await persisted();
      const viaJson = Checkpoint.fromJSON(JSON.parse(JSON.stringify(ckpt)));
      const viaClone = Checkpoint.fromJSON(structuredClone(ckpt.toJSON()));
      for (const c of [viaJson, viaClone]) {
        assert.ok(c instanceof Checkpoint);
        assert.equal(c.path, ckpt.path);
        assert.deepEqual(c.s3, ckpt.s3);
      }
      if (where === 's3') assert.equal(viaJson.s3?.endpoint, fx!.s3.endpoint);
    });
  });
}

describe('Checkpoint.fromFiles and validation', () => {
  const t = tempDirs();
  after(() => t.cleanup());
  it('writes text and bytes files into a new temp dir', async () => {
    const c = await Checkpoint.fromFiles({ 'a.txt': 'héllo', 'sub/b.bin': new Uint8Array([0, 255, 7]) });
    try {
      assert.equal(readFileSync(join(c.path, 'a.txt'), 'utf8'), 'héllo');
      assert.deepEqual([...readFileSync(join(c.path, 'sub/b.bin'))], [0, 255, 7]);
    } finally {
      (await import('node:fs')).rmSync(c.path, { recursive: true, force: true });
    }
  });
  it('rejects paths that leave the checkpoint, bad contents and empty paths', async () => {
    await assert.rejects(Checkpoint.fromFiles({ '../x': 'a' }), (e: Error) => e.constructor === RangeError && /files\['\.\.\/x'\]/.test(e.message));
    await assert.rejects(Checkpoint.fromModel({}, { files: { '/abs': 'a' } }), RangeError);
    await assert.rejects(Checkpoint.fromFiles({ x: 5 as never }), TypeError);
    assert.throws(() => Checkpoint.fromDirectory(''), TypeError);
    assert.throws(() => Checkpoint.fromDirectory('s3://'), TypeError);
    assert.equal(Checkpoint.fromDirectory('rel/dir').path, join(process.cwd(), 'rel/dir'));
  });
});

for (const where of ['local', 's3'] as const) {
  describe(`CheckpointManager (${where})`, () => {
    const t = tempDirs();
    let fx: S3Fixture | undefined;
    let n = 0;
    const storageFor = (name: string) =>
      fx ? new RunStorage(`s3://${fx.bucket}/mgr/${name}`, fx.s3) : new RunStorage(join(t.make(), name));

    before(async () => {
      if (where === 's3') fx = await startS3rver();
    });
    after(async () => {
      await fx?.close();
      t.cleanup();
    });

    /** A local checkpoint with one file naming it. */
    function local(tag: string): Checkpoint {
      const dir = t.make();
      writeFileSync(join(dir, 'tag.txt'), tag);
      return Checkpoint.fromDirectory(dir);
    }
    const tagOf = async (c: Checkpoint) => c.asDirectory((d) => readFileSync(join(d, 'tag.txt'), 'utf8'));

    it('keeps the top-K by max score, deletes evicted ones, never the latest', async () => {
      const storage = storageFor(`max${n++}`);
      const m = new CheckpointManager(storage, { numToKeep: 2, checkpointScoreAttribute: 'acc' });
      for (const [i, acc] of [0.5, 0.9, 0.7, 0.1].entries()) await m.register(local(`c${i}`), { acc, i });
      // kept: 0.9 (#1), 0.7 (#2); #3 (0.1) is the worst but the latest, so it stays
      assert.deepEqual(m.bestCheckpoints.map(([, mm]) => mm.acc), [0.9, 0.7, 0.1]);
      assert.equal(m.best?.index, 1);
      assert.equal(m.latest?.index, 3);
      assert.equal(await tagOf(m.best!.checkpoint), 'c1');
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000001', 'checkpoint_000002', 'checkpoint_000003']);
      await m.register(local('c4'), { acc: 0.8, i: 4 });
      // now #3 is no longer latest and is evicted with the new worst
      assert.deepEqual(m.bestCheckpoints.map(([, mm]) => mm.i), [1, 4]);
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000001', 'checkpoint_000004']);
    });

    it('keeps the top-K by min score with nested attributes', async () => {
      const storage = storageFor(`min${n++}`);
      const m = new CheckpointManager(storage, { numToKeep: 1, checkpointScoreAttribute: 'val/loss', checkpointScoreOrder: 'min' });
      await m.register(local('a'), { val: { loss: 0.3 } });
      await m.register(local('b'), { val: { loss: 0.2 } });
      await m.register(local('c'), { val: { loss: 0.9 } });
      assert.deepEqual(m.bestCheckpoints.map(([c]) => c.path), [storage.checkpointPath(1), storage.checkpointPath(2)]);
      assert.equal(await tagOf(m.best!.checkpoint), 'b');
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000001', 'checkpoint_000002']);
    });

    it('keeps the K most recent without a score attribute', async () => {
      const storage = storageFor(`recent${n++}`);
      const m = new CheckpointManager(storage, { numToKeep: 2 });
      for (let i = 0; i < 4; i++) await m.register(local(`r${i}`), { i });
      assert.deepEqual(m.bestCheckpoints.map(([, mm]) => mm.i), [3, 2]);
      assert.equal(m.best?.index, 3);
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000002', 'checkpoint_000003']);
    });

    it('adopts checkpoints a worker already persisted into the run dir', async () => {
      const storage = storageFor(`adopt${n++}`);
      const m = new CheckpointManager(storage);
      const src = t.make();
      writeFileSync(join(src, 'tag.txt'), 'w');
      await storage.uploadDir(src, 'checkpoint_000005');
      const r = await m.register(Checkpoint.fromDirectory(storage.checkpointPath(5), { s3: storage.s3 }), { x: 1 });
      assert.equal(r.index, 5);
      assert.equal(m.nextIndex, 6);
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000005']);
    });

    it('rejects a report without the score attribute, persisting nothing', async () => {
      const storage = storageFor(`noscore${n++}`);
      const m = new CheckpointManager(storage, { checkpointScoreAttribute: 'acc' });
      assert.throws(() => m.register(local('x'), { loss: 1, nested: { a: 2 } }), (e: Error) => {
        assert.equal(e.constructor, CheckpointScoreAttributeError);
        const err = e as CheckpointScoreAttributeError;
        assert.equal(err.attribute, 'acc');
        assert.deepEqual(err.availableKeys, ['loss', 'nested/a']);
        return /'acc'/.test(e.message);
      });
      assert.throws(() => m.register(local('x'), { acc: 'high' }), CheckpointScoreAttributeError);
      await assert.rejects(m.register(Checkpoint.fromDirectory(join(t.make(), 'gone')), { acc: 1 }), CheckpointNotFoundError);
      assert.deepEqual(await storage.listDirs(), []);
    });

    it('saves its state and loads it back (Trainer.restore)', async () => {
      const storage = storageFor(`state${n++}`);
      const m = new CheckpointManager(storage, { numToKeep: 2, checkpointScoreAttribute: 'acc', checkpointScoreOrder: 'min' });
      for (const [i, acc] of [3, 1, 2, 5].entries()) await m.register(local(`s${i}`), { acc, big: 2n ** 70n });
      const again = await CheckpointManager.load(new RunStorage(storage.root, storage.s3));
      assert.deepEqual({ ...again.config }, { ...m.config });
      assert.equal(again.latest?.index, 3);
      assert.equal(again.best?.index, 1);
      assert.equal(again.nextIndex, 4);
      assert.deepEqual(again.bestCheckpoints.map(([c]) => c.path), m.bestCheckpoints.map(([c]) => c.path));
      assert.equal(await tagOf(again.best!.checkpoint), 's1');
      await again.register(local('s4'), { acc: 0 });
      assert.deepEqual(await storage.listDirs(), ['checkpoint_000001', 'checkpoint_000004']);
      // no state file: an empty manager numbering after existing checkpoint dirs
      const fresh = storageFor(`fresh${n++}`);
      const src = t.make();
      writeFileSync(join(src, 'f'), 'f');
      await fresh.uploadDir(src, 'checkpoint_000007');
      const m2 = await CheckpointManager.load(fresh);
      assert.equal(m2.latest, undefined);
      assert.equal(m2.nextIndex, 8);
      await fresh.writeJson(CheckpointManager.STATE_FILE, { version: 99 });
      await assert.rejects(CheckpointManager.load(fresh), (e: Error) => e.constructor === CheckpointManagerStateError);
    });
  });
}
