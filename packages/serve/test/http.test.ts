import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { Api, Echo } from './fixtures/deployments.js';

let base = '';

before(async () => {
  await ray.init({ numCpus: 2 });
  await serve.run(Echo.bind(), { name: 'echo', routePrefix: '/echo', port: 0 });
  await serve.run(Api.bind(), { name: 'api', routePrefix: '/api', port: 0, requestTimeoutS: 1 });
  const st = await serve.status();
  base = `http://127.0.0.1:${st.proxy!.port}`;
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
});

test('__call__ receives method, path, query and JSON body', { timeout: 30_000 }, async () => {
  const res = await fetch(`${base}/echo/a/b?x=1`, { method: 'POST', body: JSON.stringify({ y: 2 }), headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = (await res.json()) as any;
  assert.equal(body.method, 'POST');
  assert.equal(body.path, '/a/b');
  assert.deepEqual(body.query, { x: '1' });
  assert.deepEqual(body.body, { y: 2 });
});

test('without __call__ the first path segment picks the method', { timeout: 30_000 }, async () => {
  assert.deepEqual(await (await fetch(`${base}/api/hello?name=ray`)).json(), { hello: 'ray' });
  assert.deepEqual(await (await fetch(`${base}/api/json`, { method: 'POST', body: '[1,2]' })).json(), { got: [1, 2] });
  assert.equal(await (await fetch(`${base}/api/text`)).text(), 'plain');
  const bin = await fetch(`${base}/api/bytes`, { method: 'POST', body: new Uint8Array([1, 2, 3, 250]) });
  assert.equal(bin.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual([...new Uint8Array(await bin.arrayBuffer())], [250, 3, 2, 1]);
});

test('errors: 500 with the message (replica stays up), 400 bad JSON, 404 unknown route or method, 408 timeout', { timeout: 30_000 }, async () => {
  const pid = await (await fetch(`${base}/api/pid`)).json();
  const r500 = await fetch(`${base}/api/fail`);
  assert.equal(r500.status, 500);
  assert.match(((await r500.json()) as any).error, /boom from Api\.fail/);
  assert.equal(await (await fetch(`${base}/api/pid`)).json(), pid, 'the replica survived the error');
  const r400 = await fetch(`${base}/api/json`, { method: 'POST', body: '{not json' });
  assert.equal(r400.status, 400);
  assert.match(((await r400.json()) as any).error, /not valid JSON/);
  assert.equal((await fetch(`${base}/nowhere`)).status, 404);
  assert.equal((await fetch(`${base}/api/noSuchMethod`)).status, 404);
  assert.equal((await fetch(`${base}/api/constructor`)).status, 404);
  const r408 = await fetch(`${base}/api/slow?ms=3000`);
  assert.equal(r408.status, 408);
  assert.match(((await r408.json()) as any).error, /RequestTimeoutError/);
});

test('a client that disconnects, or a timeout, cancels the call (req.signal aborts in the replica)', { timeout: 30_000 }, async () => {
  const start = Number(await (await fetch(`${base}/api/cancelledCount`)).json());
  const ac = new AbortController();
  const pending = fetch(`${base}/api/waitForCancel`, { signal: ac.signal }).catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, 300));
  ac.abort();
  assert.ok((await pending) instanceof Error);
  const t0 = Date.now();
  while (Number(await (await fetch(`${base}/api/cancelledCount`)).json()) !== start + 1) {
    assert.ok(Date.now() - t0 < 5000, 'the replica saw the cancellation');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await fetch(`${base}/api/waitForCancel`)).status, 408); // requestTimeoutS: 1
  while (Number(await (await fetch(`${base}/api/cancelledCount`)).json()) !== start + 2) {
    assert.ok(Date.now() - t0 < 10_000, 'the timed-out call was cancelled');
    await new Promise((r) => setTimeout(r, 100));
  }
});

test('status reports applications, deployments and the proxy port', { timeout: 30_000 }, async () => {
  const st = await serve.status();
  assert.equal(st.applications.echo?.status, 'RUNNING');
  assert.equal(st.applications.api?.routePrefix, '/api');
  assert.equal(st.applications.api?.deployments.Api?.runningReplicas, 1);
  assert.ok(st.proxy!.port > 0);
});

test('maxQueuedRequests: beyond it the proxy answers 503', { timeout: 30_000 }, async () => {
  const Tight = Api.withOptions({ name: 'Tight', maxOngoingRequests: 1, maxQueuedRequests: 1 });
  await serve.run(Tight.bind(), { name: 'tight', routePrefix: '/tight' });
  const codes = await Promise.all([0, 50, 100].map(async (delay) => {
    await new Promise((r) => setTimeout(r, delay));
    const res = await fetch(`${base}/tight/slow?ms=1000`);
    await res.arrayBuffer();
    return res.status;
  }));
  assert.deepEqual(codes.sort(), [200, 200, 503]);
  await serve.delete('tight');
});
