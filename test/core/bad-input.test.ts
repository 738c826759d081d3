import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';
import { makeLateRemote } from '../fixtures/bad-defs.js';

async function objectCount(): Promise<number> {
  const { currentState } = await import('../../packages/core/src/api/state.js');
  return currentState()!.node!.status().objectStore.objects;
}

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('operations before init throw NotInitializedError', async () => {
  const { currentState, setState } = await import('../../packages/core/src/api/state.js');
  const st = currentState();
  setState(undefined);
  try {
    assert.throws(() => defs.square.remote(1), ray.NotInitializedError);
    assert.throws(() => ray.put(1), ray.NotInitializedError);
  } finally {
    setState(st);
  }
});

test('a non-serializable argument is a SerializationError at the call; nothing is submitted', async () => {
  const before = await objectCount();
  class Widget {
    w = 1;
  }
  assert.throws(() => defs.echo.remote(new Widget()), (e: unknown) => e instanceof ray.SerializationError && /Widget/.test(e.message) && /registerSerializer/.test(e.message));
  assert.throws(() => defs.echo.remote((() => 1) as unknown as number), ray.SerializationError);
  assert.throws(() => ray.put(Symbol('s')), ray.SerializationError);
  assert.equal(await objectCount(), before, 'no object was left behind');
  assert.equal(await ray.get(defs.square.remote(3)), 9);
});

test('a registered serializer makes a class instance travel', async () => {
  class Point {
    constructor(readonly x: number, readonly y: number) {}
  }
  ray.registerSerializer(Point, { name: 'test.Point', serialize: (p) => [p.x, p.y], deserialize: ([x, y]: number[]) => new Point(x!, y!) });
  const got = await ray.get(ray.put(new Point(1, 2)));
  assert.ok(got instanceof Point);
  assert.equal(got.y, 2);
});

test('unknown, mistyped and negative options throw TypeError/RangeError naming the field', async () => {
  assert.throws(() => defs.square.options({ numCpu: 1 } as never), (e: unknown) => e instanceof TypeError && /numCpu/.test(e.message));
  assert.throws(() => defs.square.options({ numCpus: -1 }), (e: unknown) => e instanceof RangeError && /numCpus/.test(e.message));
  assert.throws(() => defs.square.options({ numGpus: 'x' as never }), (e: unknown) => e instanceof TypeError && /numGpus/.test(e.message));
  assert.throws(() => defs.square.options({ resources: { foo: -2 } }), (e: unknown) => e instanceof RangeError && /resources\.foo/.test(e.message));
  assert.throws(() => defs.square.options({ maxRetries: 1.5 }), (e: unknown) => e instanceof TypeError && /maxRetries/.test(e.message));
  assert.throws(() => defs.RemoteCounter.options({ maxRestarts: -5 }), (e: unknown) => e instanceof RangeError && /maxRestarts/.test(e.message));
  assert.throws(() => defs.RemoteCounter.options({ lifetime: 'forever' as never }), TypeError);
  assert.throws(() => ray.remote(42 as never), TypeError);
  await assert.rejects(ray.init({ numCpus: 2 }), ray.RayError);
});

test('get/wait/cancel with bad arguments throw TypeError/RangeError', async () => {
  await assert.rejects(ray.get(42 as never), TypeError);
  await assert.rejects(ray.get([defs.square.remote(1), 'x'] as never), TypeError);
  const r = defs.square.remote(1);
  await assert.rejects(ray.wait([r], { numReturns: 2 }), RangeError);
  await assert.rejects(ray.get(r, { timeout: -1 }), RangeError);
  assert.throws(() => ray.put(r), TypeError);
  assert.throws(() => ray.cancel('x' as never), TypeError);
  assert.equal(await ray.get(r), 1);
});

test('a remote function defined inside a function fails in the worker with FunctionNotFoundError naming it', async () => {
  const late = makeLateRemote();
  await assert.rejects(ray.get(late.remote(1)), (e: unknown) => {
    const err = e instanceof ray.RayTaskError ? e.cause : e;
    assert.ok(err instanceof ray.FunctionNotFoundError, String(e));
    assert.match((err as Error).message, /lateDefined/);
    assert.match((err as Error).message, /top level/);
    return true;
  });
});

test('unguarded driver code in a module a worker imports fails with DriverCodeInWorkerError', async () => {
  const mod = await import('../fixtures/unguarded-driver.js');
  await assert.rejects(ray.get(mod.unguarded.remote(2)), (e: unknown) => {
    const err = e instanceof ray.RayTaskError ? e.cause : e;
    assert.ok(err instanceof ray.FunctionNotFoundError, String(e));
    assert.match((err as Error).message, /isMain/);
    return true;
  });
});
