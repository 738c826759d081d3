// A streaming generator its caller drops (garbage-collected, neither drained nor cancelled)
// is cancelled like cancel(gen): its `finally` runs, its worker and CPU are free again, and
// the node releases the items the caller never took.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ray from '@ray-ts/core';
import { Tracker, endless, needsCpu } from './dropped-generator-defs.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ids of the items of stream `taskId` the node still has. */
async function streamItems(taskId: string): Promise<string[]> {
  const { currentState } = await import('../../packages/core/src/api/state.js');
  return currentState()!.node!.objects.snapshot().map((o) => o.id).filter((id) => id.startsWith(`${taskId}~`)).sort();
}

/** Collects garbage until `done` holds (or 20 s pass). */
async function collectUntil(done: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await done()) && Date.now() < end) {
    gc();
    await sleep(50);
  }
}

before(async () => {
  await ray.init({ numCpus: 1 });
});
after(() => ray.shutdown());

test('a dropped generator with backpressure is cancelled: its finally runs and its CPU is free', { timeout: 60_000 }, async () => {
  const tracker = Tracker.remote();
  const stats = () => ray.get(tracker.stats.remote());
  let taskId = '';
  let first: ray.ObjectRef<number> | undefined;
  await (async () => {
    const gen = endless.options({ generatorBackpressureNumObjects: 2 }).remote(tracker);
    taskId = gen.taskId;
    first = (await gen.nextRef()) as ray.ObjectRef<number>;
  })(); // the generator is unreachable from here on
  assert.equal(await ray.get(first!), 0);

  // Paused at the limit, the generator holds the only CPU: a CPU task waits.
  const end = Date.now() + 10_000;
  while ((await stats()).produced < 2 && Date.now() < end) await sleep(20);
  await sleep(200);
  assert.equal((await stats()).produced, 2, 'paused with 2 items unconsumed');
  const waiting = needsCpu.remote();
  const [ready] = await ray.wait([waiting], { timeout: 300 });
  assert.equal(ready.length, 0, 'the paused generator holds the CPU');

  await collectUntil(async () => (await stats()).closed > 0);
  assert.deepEqual(await stats(), { produced: 2, closed: 1 }, 'cancelled while paused: finally ran, nothing more made');
  assert.equal(await ray.get(waiting, { timeout: 10_000 }), 'ran', 'the CPU is free again');
  // The item the caller took stays readable; the node let go of the rest (item 1 and the error after it).
  await collectUntil(async () => (await streamItems(taskId)).length === 1);
  assert.deepEqual(await streamItems(taskId), [`${taskId}~0`]);
  assert.equal(await ray.get(first!), 0);
  ray.kill(tracker);
});

test('a generator read to the end, or cancelled, is not cancelled again when dropped', { timeout: 60_000 }, async () => {
  const tracker = Tracker.remote();
  await (async () => {
    const gen = endless.options({ generatorBackpressureNumObjects: 1 }).remote(tracker);
    await gen.nextRef();
    ray.cancel(gen);
    let error: unknown;
    for await (const ref of gen) await ray.get(ref).catch((e) => (error = e));
    assert.ok(error instanceof ray.TaskCancelledError);
  })();
  for (let i = 0; i < 10; i++) {
    gc();
    await sleep(20);
  }
  assert.equal((await ray.get(tracker.stats.remote())).closed, 1);
  assert.equal(await ray.get(needsCpu.remote(), { timeout: 10_000 }), 'ran');
  ray.kill(tracker);
});
