import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('tasks return refs at once and values through get', async () => {
  const refs = [1, 2, 3].map((x) => defs.square.remote(x));
  assert.ok(refs.every((r) => r instanceof ray.ObjectRef));
  assert.deepEqual(await ray.get(refs), [1, 4, 9]);
  assert.equal(await ray.get(defs.add.remote(2, 3)), 5);
});

test('an ObjectRef is not thenable', async () => {
  const ref = defs.square.remote(4);
  assert.equal((ref as unknown as { then?: unknown }).then, undefined);
  const passed = await (async () => ref)();
  assert.equal(passed, ref);
  assert.equal(await ray.get(passed), 16);
});

test('refs as arguments are resolved; refs nested in values stay refs', async () => {
  const a = defs.square.remote(3);
  assert.equal(await ray.get(defs.add.remote(a, 1)), 10);
  const p = ray.put(7);
  assert.equal(await ray.get(defs.getNested.remote({ ref: p })), 70);
});

test('tasks submit tasks (nested) without deadlock on few CPUs', async () => {
  assert.equal(await ray.get(defs.nestedSum.remote(10)), 285);
  const many = Array.from({ length: 4 }, () => defs.nestedSum.remote(5));
  assert.deepEqual(await ray.get(many), [30, 30, 30, 30]);
});

test('a task can return refs, and a ref to a list of refs round-trips', async () => {
  const refs = await ray.get(defs.makeRefs.remote(100));
  assert.equal(refs.length, 100);
  assert.ok(refs[0] instanceof ray.ObjectRef);
  assert.deepEqual(await ray.get(refs.slice(0, 5)), [0, 1, 2, 3, 4]);
});

test('numReturns splits an array result into refs', async () => {
  const [q, r] = defs.divmod.remote(17, 5);
  assert.deepEqual(await ray.get([q!, r!]), [3, 2]);
});

test('put and get of many value kinds', async () => {
  const value = { a: 1, s: 'x', m: new Map([[1, 'one']]), set: new Set([1, 2]), d: new Date(5), big: 12345678901234567890n, arr: new Int32Array([1, 2, 3]) };
  const got = await ray.get(ray.put(value));
  assert.deepEqual(got, value);
});

test('a task that throws gives RayTaskError with the remote stack and cause', async () => {
  await assert.rejects(ray.get(defs.fails.remote('bad input')), (err: unknown) => {
    assert.ok(err instanceof ray.RayTaskError);
    assert.ok(err.cause instanceof RangeError);
    assert.equal((err.cause as Error).message, 'bad input');
    assert.match(err.remoteStack, /fails/);
    assert.match(err.message, /bad input/);
    return true;
  });
});

test('a task taking a failed ref fails with the same error without running', async () => {
  const bad = defs.fails.remote('upstream');
  await assert.rejects(ray.get(defs.add.remote(bad, 1)), (err: unknown) => err instanceof ray.RayTaskError && /upstream/.test(err.message));
});

test('retryExceptions retries a throwing task until it succeeds', async () => {
  const marker = `/tmp/ray-ts-flaky-${process.pid}-${Date.now()}`;
  assert.equal(await ray.get(defs.flaky.remote(marker)), 2);
});

test('process.exit in a task: retried, then WorkerCrashedError; the driver lives', async () => {
  await assert.rejects(ray.get(defs.exitNow.remote()), ray.WorkerCrashedError);
  assert.equal(await ray.get(defs.square.remote(5)), 25);
});

test('get with timeout throws GetTimeoutError', async () => {
  const slow = defs.sleepThen.remote(2000, 1);
  await assert.rejects(ray.get(slow, { timeout: 50 }), ray.GetTimeoutError);
  assert.equal(await ray.get(slow), 1);
});

test('wait returns ready and not-ready refs in order', async () => {
  const fast = defs.sleepThen.remote(10, 1);
  const slow = defs.sleepThen.remote(3000, 2);
  const [ready, notReady] = await ray.wait([slow, fast], { numReturns: 1, timeout: 2000 });
  assert.deepEqual(ready, [fast]);
  assert.deepEqual(notReady, [slow]);
  ray.cancel(slow);
});

test('streaming generator yields refs one by one', async () => {
  const gen = defs.countTo.remote(5);
  assert.ok(gen instanceof ray.ObjectRefGenerator);
  const seen: number[] = [];
  for await (const ref of gen) seen.push(await ray.get(ref));
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
});

test('a generator that throws yields its items, then the error', async () => {
  const seen: unknown[] = [];
  let error: unknown;
  for await (const ref of defs.genThenFail.remote()) {
    try {
      seen.push(await ray.get(ref));
    } catch (e) {
      error = e;
    }
  }
  assert.deepEqual(seen, [1, 2]);
  assert.ok(error instanceof ray.RayTaskError);
});

test('runtimeEnv envVars reach the worker', async () => {
  const v = await ray.get(defs.envVar.options({ runtimeEnv: { envVars: { RAY_TS_TEST_VAR: 'hello' } } }).remote('RAY_TS_TEST_VAR'));
  assert.equal(v, 'hello');
  assert.equal(await ray.get(defs.envVar.remote('RAY_TS_TEST_VAR')), null);
});

test('resources are reported', async () => {
  const total = await ray.clusterResources();
  assert.equal(total.CPU, 2);
  const avail = await ray.availableResources();
  assert.ok(avail.CPU! <= 2);
});

test('runtime context inside a task', async () => {
  const c = await ray.get(defs.context.remote());
  assert.equal(typeof c.taskId, 'string');
  assert.equal(c.nodeId, ray.getRuntimeContext().nodeId);
});
