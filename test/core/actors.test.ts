import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

before(async () => {
  await ray.init({ numCpus: 2, namespace: 'actors-test' });
});
after(() => ray.shutdown());

test('an actor keeps state; calls from one caller run in order', async () => {
  const c = defs.RemoteCounter.remote(10);
  const refs = Array.from({ length: 50 }, () => c.inc.remote(1));
  const vals = await ray.get(refs);
  assert.deepEqual(vals, Array.from({ length: 50 }, (_, i) => 11 + i));
  assert.equal(await ray.get(c.get.remote()), 60);
  ray.kill(c);
});

test('named actors: getActor, getIfExists, name taken', async () => {
  const c = defs.RemoteCounter.options({ name: 'c1' }).remote();
  assert.equal(await ray.get(c.inc.remote(5)), 5);
  const same = await ray.getActor<defs.Counter>('c1');
  assert.equal(await ray.get(same.inc.remote(1)), 6);
  const again = defs.RemoteCounter.options({ name: 'c1', getIfExists: true }).remote();
  assert.equal(await ray.get(again.get.remote()), 6);
  assert.throws(() => defs.RemoteCounter.options({ name: 'c1' }).remote(), /already exists/);
  await assert.rejects(ray.getActor('nope'), ray.ActorNotFoundError);
  await assert.rejects(ray.getActor('c1', { namespace: 'other' }), ray.ActorNotFoundError);
  ray.kill(c);
});

test('actor handles can be passed to tasks', async () => {
  const c = defs.RemoteCounter.remote();
  assert.equal(await ray.get(defs.useActor.remote(c, 7)), 7);
  assert.equal(await ray.get(c.get.remote()), 7);
  ray.kill(c);
});

test('a method that throws gives RayTaskError; the actor lives on', async () => {
  const c = defs.RemoteCounter.remote();
  await assert.rejects(ray.get(c.boom.remote()), (e: unknown) => e instanceof ray.RayTaskError && /actor method failed/.test(e.message));
  assert.equal(await ray.get(c.inc.remote()), 1);
  ray.kill(c);
});

test('calling a method that does not exist is a TypeError naming the methods', () => {
  const c = defs.RemoteCounter.remote();
  assert.throws(() => (c as unknown as { nope: { remote(): void } }).nope.remote(), (e: unknown) => e instanceof TypeError && /no method 'nope'/.test(e.message) && /inc/.test(e.message));
  ray.kill(c);
});

test('async actor methods run concurrently up to maxConcurrency', async () => {
  const a = defs.RemoteAsyncWorker.remote();
  const peaks = await ray.get(Array.from({ length: 8 }, () => a.work.remote(200)));
  assert.ok(Math.max(...peaks) >= 4, `expected concurrency, got peaks ${peaks}`);
  const b = defs.RemoteAsyncWorker.options({ maxConcurrency: 1 }).remote();
  const serial = await ray.get(Array.from({ length: 4 }, () => b.work.remote(20)));
  assert.equal(Math.max(...serial), 1);
  ray.kill(a);
  ray.kill(b);
});

test('an actor method can stream', async () => {
  const a = defs.RemoteAsyncWorker.remote();
  const out: number[] = [];
  for await (const ref of a.stream.remote(4)) out.push(await ray.get(ref));
  assert.deepEqual(out, [0, 1, 4, 9]);
  ray.kill(a);
});

test('a killed actor fails calls with RayActorError', async () => {
  const c = defs.RemoteCounter.remote();
  assert.equal(await ray.get(c.inc.remote()), 1);
  ray.kill(c);
  await assert.rejects(ray.get(c.inc.remote()), ray.RayActorError);
});

test('an actor whose constructor throws: calls fail with the constructor error', async () => {
  const b = defs.BadCtor.remote();
  await assert.rejects(ray.get(b.ping.remote()), (e: unknown) => e instanceof ray.RayTaskError && /constructor failed/.test(e.message));
});

test('an actor that dies mid-call restarts (maxRestarts) and later calls work', async () => {
  const c = defs.RemoteCounter.options({ maxRestarts: 1 }).remote(100);
  const pid1 = await ray.get(c.pid.remote());
  await assert.rejects(ray.get(c.die.remote()), ray.RayActorError);
  const pid2 = await ray.get(c.pid.remote());
  assert.notEqual(pid1, pid2);
  assert.equal(await ray.get(c.get.remote()), 100, 'constructor re-ran with its arguments');
  assert.equal(await ray.get(c.restarted.remote()), true);
  // Restarts used up: the next death is final.
  await assert.rejects(ray.get(c.die.remote()), ray.RayActorError);
  await assert.rejects(ray.get(c.get.remote()), ray.RayActorError);
});

test('SIGKILL of an actor process mid-call: maxTaskRetries re-runs the call on the restarted actor', async () => {
  const c = defs.RemoteCounter.options({ maxRestarts: 2, maxTaskRetries: 1 }).remote();
  const pid = await ray.get(c.pid.remote());
  const slow = c.slowInc.remote(1500);
  await new Promise((r) => setTimeout(r, 300));
  process.kill(pid, 'SIGKILL');
  assert.equal(await ray.get(slow), 1, 'retried on a fresh instance');
  assert.equal(await ray.get(c.inc.remote()), 2);
  ray.kill(c);
});

test('actor resources are held for its lifetime and freed when it dies', async () => {
  const c = defs.RemoteCounter.options({ numCpus: 1 }).remote();
  await ray.get(c.inc.remote());
  assert.equal((await ray.availableResources()).CPU, 1);
  ray.kill(c);
  await ray.get(c.inc.remote()).catch(() => undefined);
  for (let i = 0; i < 50 && (await ray.availableResources()).CPU !== 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await ray.availableResources()).CPU, 2);
});

test('an actor whose handles are all gone stops after its queued calls (unless detached)', async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { currentState } = await import('../../packages/core/src/api/state.js');
  const alive = () => currentState()!.node!.status().actors.alive;
  const before = alive();
  let last: ray.ObjectRef<number> | undefined;
  (() => {
    const c = defs.RemoteCounter.remote();
    for (let i = 0; i < 5; i++) last = c.inc.remote();
  })();
  const kept = defs.RemoteCounter.options({ name: 'kept', lifetime: 'detached' }).remote();
  await ray.get(kept.inc.remote());
  assert.equal(await ray.get(last!), 5, 'queued calls finish');
  for (let i = 0; i < 50 && alive() > before + 1; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(alive(), before + 1, 'the unreferenced actor stopped, the detached one lives');
  ray.kill(kept);
});
