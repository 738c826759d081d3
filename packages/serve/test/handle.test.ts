import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { serve, DeploymentResponse, RequestCancelledError, RequestTimeoutError } from '@ray-ts/serve';
import { Adder, Batcher, Broken, Composer, Doubler, Worker } from './fixtures/deployments.js';

let base = '';

before(async () => {
  await ray.init({ numCpus: 2 });
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
});

test('composition: the constructor gets handles; a response is passed as an argument', { timeout: 60_000 }, async () => {
  const handle = await serve.run(Composer.bind(Adder.bind(10), Doubler.bind()), { name: 'comp', routePrefix: '/comp', port: 0 });
  base = `http://127.0.0.1:${(await serve.status()).proxy!.port}`;
  const r = handle.compute.remote(5);
  assert.ok(r instanceof DeploymentResponse);
  assert.deepEqual(await r, { value: 20 });
  assert.deepEqual(await handle.compute.remote(1).result(10_000), { value: 12 });
  assert.deepEqual(await (await fetch(`${base}/comp?x=3`)).json(), { value: 16 });
  const st = await serve.status();
  assert.deepEqual(Object.keys(st.applications.comp!.deployments).sort(), ['Adder', 'Composer', 'Doubler']);
  assert.equal(st.applications.comp!.deployments.Adder!.runningReplicas, 2);
});

test('calls spread over replicas (power of two choices)', { timeout: 60_000 }, async () => {
  const w = await serve.run(Worker.withOptions({ numReplicas: 2 }).bind(), { name: 'spread', routePrefix: null });
  const pids = await Promise.all(Array.from({ length: 12 }, () => w.work.remote(200).result()));
  assert.equal(new Set(pids).size, 2, 'both replicas served calls');
  await serve.delete('spread');
});

test('maxOngoingRequests: calls beyond it queue at the caller', { timeout: 60_000 }, async () => {
  const w = await serve.run(Worker.withOptions({ maxOngoingRequests: 2 }).bind(), { name: 'queue', routePrefix: null });
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 6 }, () => w.work.remote(300)));
  assert.ok(Date.now() - t0 >= 850, 'three waves of two');
  assert.equal(await w.peak.remote(), 2);
  await serve.delete('queue');
});

test('result(timeoutMs) throws RequestTimeoutError; cancel() throws RequestCancelledError', { timeout: 60_000 }, async () => {
  const w = await serve.run(Worker.bind(), { name: 'timeout', routePrefix: null });
  await assert.rejects(w.work.remote(2000).result(100), RequestTimeoutError);
  const r = w.work.remote(5000);
  setTimeout(() => r.cancel(), 200);
  const t0 = Date.now();
  await assert.rejects(r.result(), RequestCancelledError);
  assert.ok(Date.now() - t0 < 4000, 'cancel() ends the wait at once');
  await serve.delete('timeout');
});

test('serve.batch gathers concurrent calls into batches of at most maxBatchSize', { timeout: 60_000 }, async () => {
  await serve.run(Batcher.bind(), { name: 'batch', routePrefix: '/batch', port: 0 });
  const port = (await serve.status()).proxy!.port;
  const out = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`http://127.0.0.1:${port}/batch?x=${i}`).then((r) => r.json() as Promise<{ value: number }>)));
  assert.deepEqual(out.map((o) => o.value), Array.from({ length: 10 }, (_, i) => i * 2));
  const h = serve.getDeploymentHandle('Batcher', 'batch');
  const sizes = (await h.batchSizes.remote()) as number[];
  assert.equal(sizes.reduce((a, b) => a + b, 0), 10);
  assert.ok(Math.max(...sizes) <= 4, `batch sizes ${sizes}`);
  assert.ok(sizes.some((s) => s > 1), `some batches had more than one call: ${sizes}`);
});

test('a deployment whose init() throws makes serve.run reject with that error', { timeout: 60_000 }, async () => {
  await assert.rejects(serve.run(Broken.bind(), { name: 'broken', routePrefix: null }), /cannot load the model/);
  assert.equal((await serve.status()).applications.broken, undefined);
});
