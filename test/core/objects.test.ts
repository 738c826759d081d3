import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

async function status() {
  const { currentState } = await import('../../packages/core/src/api/state.js');
  return currentState()!.node!.status();
}

before(async () => {
  await ray.init({ numCpus: 2, objectStoreMemory: 200 * MB });
});
after(() => ray.shutdown());

test('large values live in shared memory and are read zero-copy', async () => {
  const a = new Float64Array(4 * MB / 8).map((_, i) => i);
  const ref = ray.put(a);
  const segs = readdirSync('/dev/shm').filter((f) => f.startsWith('rts-'));
  assert.ok(segs.length > 0, 'a shared-memory segment exists');
  const got = (await ray.get(ref)) as Float64Array;
  assert.equal(got.length, a.length);
  assert.equal(got[12345], 12345);
  assert.ok(got.buffer.byteLength >= got.byteLength, 'a view over the mapping');
  // In a worker too: the task reads the same segment.
  assert.equal(await ray.get(defs.sumArray.remote(ref)), (a.length * (a.length - 1)) / 2);
  // Writes to a returned array stay private: the stored object is unchanged.
  got[0] = 42;
  assert.equal(((await ray.get(ref)) as Float64Array)[0], 0);
});

test('large task results travel through shared memory', async () => {
  const ref = defs.makeArray.remote(2 * MB, 1.5);
  const arr = (await ray.get(ref)) as Float64Array;
  assert.equal(arr.length, 2 * MB);
  assert.ok(arr.every((v) => v === 1.5));
});

test('a store 4x oversubscribed by 100 MB objects spills and restores byte-exact', async () => {
  const refs: ray.ObjectRef<Uint8Array>[] = [];
  for (let i = 0; i < 8; i++) {
    const b = new Uint8Array(100 * MB);
    for (let j = 0; j < b.length; j += 4096) b[j] = (i * 31 + j / 4096) & 255;
    b[b.length - 1] = i;
    refs.push(ray.put(b));
  }
  const st = await status();
  assert.ok(st.objectStore.spilled >= 5, `expected spilled objects, got ${st.objectStore.spilled}`);
  assert.ok(st.objectStore.used <= 200 * MB, 'store stays within its capacity');
  for (let i = 7; i >= 0; i--) {
    const b = (await ray.get(refs[i]!)) as Uint8Array;
    assert.equal(b.length, 100 * MB);
    assert.equal(b[b.length - 1], i);
    for (let j = 0; j < b.length; j += 4096 * 97) assert.equal(b[j], (i * 31 + j / 4096) & 255);
  }
  // A worker reads a spilled object too (restored on demand).
  assert.equal(await ray.get(defs.byteAt.remote(refs[0]!, 100 * MB - 1)), 0);
  for (const r of refs) r.release();
});

/** The object count once earlier tests' garbage-collected refs have stopped being freed. */
async function settledCount(): Promise<number> {
  let last = (await status()).objectStore.objects;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = (await status()).objectStore.objects;
    if (now === last) return now;
    last = now;
  }
}

test('released refs free their objects; get of a released ref throws ObjectFreedError', async () => {
  const before = await settledCount();
  const refs = Array.from({ length: 100 }, (_, i) => ray.put({ i }));
  assert.equal((await status()).objectStore.objects, before + 100);
  for (const r of refs) r.release();
  assert.equal((await status()).objectStore.objects, before);
  await assert.rejects(ray.get(refs[0]!), ray.ObjectFreedError);
});

test('refs dropped without release are freed after garbage collection', async () => {
  const before = (await status()).objectStore.objects;
  (() => {
    for (let i = 0; i < 50; i++) ray.put(new Float64Array(1000));
  })();
  assert.equal((await status()).objectStore.objects, before + 50);
  for (let i = 0; i < 20 && (await status()).objectStore.objects > before; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  // Earlier tests' dropped refs may be collected too, so the count can end below `before`.
  assert.ok((await status()).objectStore.objects <= before);
});

test('free() frees an object that refs still point to', async () => {
  const ref = ray.put('x');
  ray.free(ref);
  await assert.rejects(ray.get(ref), ray.ObjectFreedError);
});

test('objects nested in a stored value stay alive while the value does', async () => {
  const inner = ray.put('inner');
  const outer = ray.put({ inner });
  inner.release();
  const got = (await ray.get(outer)) as { inner: ray.ObjectRef<string> };
  assert.equal(await ray.get(got.inner), 'inner');
});

test('a task result holding 10k refs', async () => {
  const refs = await ray.get(defs.makeRefs.remote(10_000));
  assert.equal(refs.length, 10_000);
  assert.equal(await ray.get(refs[9999]!), 9999);
});

test('Arrow tables travel through the store (IPC, zero-copy columns)', async () => {
  const { tableFromArrays } = await import('apache-arrow');
  const n = 200_000;
  const t = tableFromArrays({ x: Float64Array.from({ length: n }, (_, i) => i), y: Int32Array.from({ length: n }, () => 2) });
  const ref = ray.put(t);
  const back = (await ray.get(ref)) as typeof t;
  assert.equal(back.numRows, n);
  assert.equal(back.getChild('x')!.get(12345), 12345);
  assert.deepEqual(await ray.get(defs.sumColumn.remote(ref, 'y')), { sum: 2 * n, rows: n });
});

test('a streaming task can yield large values (shared memory)', async () => {
  const sizes: number[] = [];
  for await (const ref of defs.bigItems.remote(3)) sizes.push(((await ray.get(ref)) as Float64Array).length);
  assert.deepEqual(sizes, [1 << 17, 1 << 17, 1 << 17]);
});

test('the object store capacity is reported as a resource', async () => {
  const total = await ray.clusterResources();
  assert.equal(total.objectStoreMemory, 200 * MB);
  assert.ok((await ray.availableResources()).objectStoreMemory! <= 200 * MB);
});
