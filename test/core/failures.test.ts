import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a worker killed with SIGKILL mid-task: the task is retried and the result is correct', async () => {
  const marker = `/tmp/ray-ts-die-once-${process.pid}-${Date.now()}`;
  const ref = defs.dieOnce.remote(marker, 21);
  await until(() => existsSync(marker));
  const pid = Number(readFileSync(marker, 'utf8'));
  process.kill(pid, 'SIGKILL');
  assert.equal(await ray.get(ref), 42);
  rmSync(marker, { force: true });
  // Other work is unaffected.
  assert.deepEqual(await ray.get([defs.square.remote(2), defs.square.remote(3)]), [4, 9]);
});

test('cancel a queued task: it never runs, get throws TaskCancelledError', async () => {
  // Fill both CPUs, then queue one more.
  const busy = [defs.spin.remote(800), defs.spin.remote(800)];
  const queued = defs.square.remote(9);
  ray.cancel(queued);
  await assert.rejects(ray.get(queued), ray.TaskCancelledError);
  assert.deepEqual(await ray.get(busy), ['done', 'done']);
});

test('cancel a running task: its signal aborts, get throws TaskCancelledError', async () => {
  const ref = defs.waitForCancel.remote();
  await new Promise((r) => setTimeout(r, 300));
  ray.cancel(ref);
  await assert.rejects(ray.get(ref, { timeout: 10_000 }), ray.TaskCancelledError);
});

test('force-cancel a running CPU-bound task kills its worker; no retry', async () => {
  const ref = defs.spin.remote(60_000);
  await new Promise((r) => setTimeout(r, 300));
  ray.cancel(ref, { force: true });
  await assert.rejects(ray.get(ref, { timeout: 10_000 }), ray.TaskCancelledError);
  assert.equal(await ray.get(defs.square.remote(4)), 16);
});

test('a task asking for more CPUs than are free waits, then runs', async () => {
  const hog = defs.spin.options({ numCpus: 2 }).remote(400);
  const small = defs.square.remote(5);
  assert.equal(await ray.get(small), 25);
  assert.equal(await ray.get(hog), 'done');
});

test('an infeasible task warns and stays pending (not failed)', async () => {
  const warnings: string[] = [];
  const orig = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
  try {
    const ref = defs.square.options({ numCpus: 64 }).remote(2);
    await assert.rejects(ray.get(ref, { timeout: 300 }), ray.GetTimeoutError);
    assert.ok(warnings.some((w) => /64/.test(w) && /pending/.test(w)), warnings.join('\n'));
    ray.cancel(ref);
    await assert.rejects(ray.get(ref), ray.TaskCancelledError);
  } finally {
    console.warn = orig;
  }
});

test('custom resources gate scheduling', async () => {
  const ref = defs.square.options({ resources: { special: 1 } }).remote(3);
  await assert.rejects(ray.get(ref, { timeout: 200 }), ray.GetTimeoutError);
  ray.cancel(ref);
});

test('node affinity to this node runs; to an unknown node (hard) fails with InfeasibleError', async () => {
  const nodeId = ray.getRuntimeContext().nodeId;
  assert.equal(await ray.get(defs.square.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId } }).remote(3)), 9);
  assert.equal(await ray.get(defs.square.options({ schedulingStrategy: 'SPREAD' }).remote(3)), 9);
  await assert.rejects(
    ray.get(defs.square.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: 'no-such-node' } }).remote(3)),
    ray.InfeasibleError,
  );
  assert.equal(await ray.get(defs.square.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: 'no-such-node', soft: true } }).remote(3)), 9);
});

test('a task that runs out of memory crashes only its worker: WorkerCrashedError', async () => {
  const small = { runtimeEnv: { envVars: { NODE_OPTIONS: '--max-old-space-size=48' } } };
  await assert.rejects(ray.get(defs.exhaustHeap.options(small).remote(), { timeout: 60_000 }), ray.WorkerCrashedError);
  assert.equal(await ray.get(defs.square.remote(6)), 36);
});

test('a native crash (abort) crashes only its worker: WorkerCrashedError', async () => {
  await assert.rejects(ray.get(defs.abortNow.remote(), { timeout: 30_000 }), (e: unknown) => e instanceof ray.WorkerCrashedError && /SIGABRT/.test(e.message));
  assert.equal(await ray.get(defs.square.remote(7)), 49);
});

test('an object whose shared memory vanished raises ObjectLostError', async () => {
  const { unlinkSync, readdirSync } = await import('node:fs');
  const before = new Set(readdirSync('/dev/shm'));
  const ref = ray.put(new Uint8Array(1 << 20));
  const seg = readdirSync('/dev/shm').find((f) => f.startsWith('rts-') && !before.has(f));
  assert.ok(seg, 'a new segment');
  unlinkSync(`/dev/shm/${seg}`);
  await assert.rejects(ray.get(ref), ray.ObjectLostError);
});

test('workers that cannot start fail the task with RaySystemError instead of respawning forever', async () => {
  const broken = { runtimeEnv: { envVars: { NODE_OPTIONS: '--require /nonexistent/preload.cjs' } } };
  await assert.rejects(ray.get(defs.square.options(broken).remote(2), { timeout: 60_000 }), (e: unknown) => e instanceof ray.RaySystemError && /cannot start/.test(e.message));
  assert.equal(await ray.get(defs.square.remote(8)), 64);
});
