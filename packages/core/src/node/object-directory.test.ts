import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectDirectory } from './object-directory.js';
import type { SegmentStore } from './segment-store.js';

/** A segment store that records what the directory does with segments (no shared memory). */
function fakeSegments() {
  const released: string[] = [];
  const fake = {
    usedBytes: 0,
    released,
    release: (n: string) => void released.push(n),
    adopt: () => {},
    trimPool: () => 0,
    remove: () => {},
    path: (n: string) => `/nonexistent/${n}`,
  };
  return fake as unknown as SegmentStore & { released: string[] };
}

const inline = (v: number) => ({ d: new Uint8Array([v]), n: 1 });

test('an object is freed when its last reference goes', () => {
  const dir = new ObjectDirectory(fakeSegments(), 1 << 20, '/tmp/unused');
  dir.addRef('a');
  dir.seal('a', inline(1), []);
  assert.ok(dir.isReady('a'));
  dir.addRef('a');
  dir.removeRef('a');
  assert.ok(dir.has('a'));
  dir.removeRef('a');
  assert.ok(!dir.has('a'));
  assert.equal(dir.missing('a'), 'freed');
  assert.equal(dir.missing('never'), 'unknown');
});

test('a pending object with no references is freed when it is sealed', () => {
  const segs = fakeSegments();
  const dir = new ObjectDirectory(segs, 1 << 20, '/tmp/unused');
  dir.addRef('p');
  dir.removeRef('p');
  assert.ok(dir.has('p'), 'kept while pending');
  dir.seal('p', { s: 'seg1', n: 10 }, []);
  assert.ok(!dir.has('p'));
  assert.deepEqual(segs.released, ['seg1']);
});

test('contained refs are held by their container', () => {
  const dir = new ObjectDirectory(fakeSegments(), 1 << 20, '/tmp/unused');
  dir.addRef('inner');
  dir.seal('inner', inline(2), []);
  dir.addRef('outer');
  dir.seal('outer', inline(3), ['inner']);
  dir.removeRef('inner');
  assert.ok(dir.has('inner'), 'outer still holds inner');
  dir.removeRef('outer');
  assert.ok(!dir.has('inner'));
});

test('waiters run when the object is sealed, and can be cancelled', () => {
  const dir = new ObjectDirectory(fakeSegments(), 1 << 20, '/tmp/unused');
  dir.addRef('w');
  let calls = 0;
  dir.onReady('w', () => calls++);
  const cancel = dir.onReady('w', () => calls += 100);
  cancel();
  dir.seal('w', inline(1), []);
  assert.equal(calls, 1);
  dir.onReady('w', () => calls++);
  assert.equal(calls, 2, 'runs at once when ready');
});

test('a second seal of a ready object is ignored (retried tasks)', () => {
  const segs = fakeSegments();
  const dir = new ObjectDirectory(segs, 1 << 20, '/tmp/unused');
  dir.addRef('r');
  dir.seal('r', inline(1), []);
  dir.seal('r', { s: 'dup', n: 5 }, []);
  assert.deepEqual(dir.read('r'), inline(1));
  assert.deepEqual(segs.released, ['dup']);
});
