import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { serve, DeploymentResponseGenerator, RequestCancelledError, type DeploymentHandle } from '@ray-ts/serve';
import { Relay, Streamer } from './fixtures/streaming.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let base = '';
let h: DeploymentHandle<InstanceType<typeof Streamer.cls>>;

async function closedReaches(n: number, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while ((await h.closedCount.remote()) < n) {
    assert.ok(Date.now() < end, what);
    await sleep(100);
  }
}

before(async () => {
  await ray.init({ numCpus: 2 });
  h = await serve.run(Streamer.bind(), { name: 'stream', routePrefix: '/s', port: 0, requestTimeoutS: 1 });
  base = `http://127.0.0.1:${(await serve.status()).proxy!.port}/s`;
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
});

test('a generator method streams over HTTP, chunked', { timeout: 30_000 }, async () => {
  const res = await fetch(`${base}/count?n=4`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('transfer-encoding'), 'chunked');
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  assert.equal(await res.text(), 'chunk 0\nchunk 1\nchunk 2\nchunk 3\n');
  const lines = await (await fetch(`${base}/events`)).text();
  assert.equal(lines, '{"i":0}\n{"i":1}\n{"i":2}\n');
});

test('server-sent events: a generator with Accept text/event-stream, and a Response with a ReadableStream body', { timeout: 30_000 }, async () => {
  const res = await fetch(`${base}/events`, { headers: { accept: 'text/event-stream' } });
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  assert.equal(await res.text(), 'data: {"i":0}\n\ndata: {"i":1}\n\ndata: {"i":2}\n\n');
  const r2 = await fetch(`${base}/sse`);
  assert.equal(r2.headers.get('content-type'), 'text/event-stream');
  assert.equal(await r2.text(), 'data: 0\n\ndata: 1\n\ndata: 2\n\n');
  const r3 = await fetch(`${base}/created`);
  assert.deepEqual([r3.status, r3.headers.get('x-made')], [201, 'yes']);
  assert.deepEqual(await r3.json(), { made: true });
});

test('chunks reach the client before the stream ends; a client that disconnects closes the generator', { timeout: 30_000 }, async () => {
  const before = await h.closedCount.remote();
  const ac = new AbortController();
  const res = await fetch(`${base}/forever`, { signal: ac.signal });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('tick 2')) text += new TextDecoder().decode((await reader.read()).value);
  ac.abort();
  await reader.read().catch(() => undefined);
  await closedReaches(before + 1, "the generator's finally ran on the replica");
});

test('a stream that has not started within requestTimeoutS gets 408 (as Ray Serve)', { timeout: 30_000 }, async () => {
  const res = await fetch(`${base}/late?ms=3000`);
  assert.equal(res.status, 408);
  assert.match(((await res.json()) as { error: string }).error, /RequestTimeoutError/);
});

test('handle: options({ stream: true }) yields the items; errors arrive after the items before them', { timeout: 30_000 }, async () => {
  const gen = h.numbers.options({ stream: true }).remote(4);
  assert.ok(gen instanceof DeploymentResponseGenerator);
  const seen: number[] = [];
  for await (const x of gen) seen.push(x);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.deepEqual(await h.options({ stream: true }).numbers.remote(2).collect(), [0, 1]);
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const x of h.failing.options({ stream: true }).remote()) got.push(x);
  }, /stream broke/);
  assert.deepEqual(got, [1, 2]);
  await assert.rejects(h.plain.options({ stream: true }).remote().collect(), /did not return a generator/);
  await assert.rejects(h.numbers.remote(2).result(), /options\(\{ stream: true \}\)/);
  assert.throws(() => h.numbers.options({ stream: 'yes' } as never), /options.stream must be a boolean/);
});

test('handle: breaking out of the loop, or cancel(), closes the generator on the replica', { timeout: 30_000 }, async () => {
  const start = await h.closedCount.remote();
  for await (const tick of h.forever.options({ stream: true }).remote()) {
    if (String(tick).startsWith('tick 2')) break;
  }
  await closedReaches(start + 1, 'break closed the generator');
  const gen = h.forever.options({ stream: true }).remote();
  const it = gen[Symbol.asyncIterator]();
  await it.next();
  gen.cancel();
  await assert.rejects(async () => {
    for (;;) if ((await it.next()).done) break;
  }, RequestCancelledError);
  await closedReaches(start + 2, 'cancel() closed the generator');
});

test('composition: an ingress streams over HTTP the items another deployment streams to it', { timeout: 60_000 }, async () => {
  await serve.run(Relay.bind(Streamer.withOptions({ name: 'Source' }).bind()), { name: 'relay', routePrefix: '/relay' });
  const port = (await serve.status()).proxy!.port;
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/relay?n=4`)).text(), '0\n10\n20\n30\n');
  await serve.delete('relay');
});
