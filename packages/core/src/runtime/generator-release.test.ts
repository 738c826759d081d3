import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SerializationError } from '../errors.js';
import { encode } from '../serialization/index.js';
import { GeneratorRelease, type StreamOwner } from './generator-release.js';
import { ObjectRefGenerator, type StreamCursor } from './object-ref.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A node with one stream of `items` items (ended): records cancels and which items are still held. */
class FakeOwner implements StreamOwner {
  readonly cancels: string[] = [];
  readonly asked: number[] = [];
  readonly held: Set<number>;
  constructor(private readonly items: number) {
    this.held = new Set(Array.from({ length: items }, (_, i) => i));
  }
  cancel(taskId: string): void {
    this.cancels.push(taskId);
  }
  async next(_taskId: string, index: number): Promise<{ id?: string; done?: boolean }> {
    this.asked.push(index);
    if (index > 0) this.held.delete(index - 1);
    return index < this.items ? { id: `t~${index}` } : { done: true };
  }
}

test('release cancels the stream and reads it to the end from where the caller stopped', async () => {
  const owner = new FakeOwner(5);
  const release = new GeneratorRelease(owner);
  const cursor: StreamCursor = { taskId: 't', next: 2, cancelled: false };
  await release.release(cursor);
  assert.deepEqual(owner.cancels, ['t']);
  assert.deepEqual(owner.asked, [2, 3, 4, 5]);
  assert.deepEqual([...owner.held], [0], 'item 0 stays held: the caller asked for item 1 but not item 2, which drops it');
  assert.equal(release.inProgress, 0);
});

test('a stream the caller cancelled is not cancelled again; a closed runtime releases nothing', async () => {
  const owner = new FakeOwner(2);
  const release = new GeneratorRelease(owner);
  await release.release({ taskId: 't', next: 0, cancelled: true });
  assert.deepEqual(owner.cancels, []);
  assert.deepEqual(owner.asked, [0, 1, 2]);
  release.close();
  await release.release({ taskId: 'u', next: 0, cancelled: false });
  assert.deepEqual(owner.cancels, []);
});

test('after a failed read the stream is only cancelled: which items the node holds is unknown', async () => {
  const owner = new FakeOwner(3);
  const release = new GeneratorRelease(owner);
  await release.release({ taskId: 't', next: 1, cancelled: false, failed: true });
  assert.deepEqual(owner.cancels, ['t']);
  assert.deepEqual(owner.asked, []);
});

test('a failing node ends the release quietly', async () => {
  const release = new GeneratorRelease({ cancel: () => {}, next: () => Promise.reject(new Error('closed')) });
  await release.release({ taskId: 't', next: 0, cancelled: false });
  assert.equal(release.inProgress, 0);
});

async function collect(until: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!until() && Date.now() < end) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a generator collected unfinished releases its stream; one read to the end does not', async () => {
  const owner = new FakeOwner(3);
  const release = new GeneratorRelease(owner);
  await (async () => {
    const dropped = new ObjectRefGenerator('dropped', (t, i) => owner.next(t, i), release);
    assert.equal((await dropped.nextRef())?.id, 't~0');
    const drained = new ObjectRefGenerator('drained', (t, i) => owner.next(t, i), release);
    for await (const _ of drained) void _;
  })();
  await collect(() => owner.cancels.length > 0);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(owner.cancels, ['dropped'], 'only the unfinished generator is cancelled');
});

test('a generator cannot be passed to a task or stored', () => {
  const gen = new ObjectRefGenerator('t', async () => ({ done: true }));
  assert.throws(() => encode({ gen }), (e: unknown) => e instanceof SerializationError && /Pass the ObjectRefs it yields/.test(e.message));
});
