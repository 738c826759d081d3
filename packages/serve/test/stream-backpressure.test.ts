// Backpressure of streamed HTTP responses: a client that stops reading pauses the replica's
// generator (streamBackpressureNumObjects chunks ahead, plus what the sockets buffer), and
// everything arrives once it reads again. Without the limit the generator runs to the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import * as ray from '@ray-ts/core';
import { serve, type DeploymentHandle } from '@ray-ts/serve';
import { Big } from './fixtures/backpressure.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const N = 500;
const SIZE = 64 * 1024;
/** Bytes the proxy's socket, the kernel and the paused client may buffer between them (loopback TCP autotuning). */
const SOCKET_SLACK = 16 * 1024 * 1024;
let port = 0;

before(async () => {
  await ray.init({ numCpus: 2 });
  await serve.run(Big.bind(), { name: 'bp', routePrefix: '/bp', port: 0 });
  await serve.run(Big.withOptions({ name: 'BigFree', streamBackpressureNumObjects: -1 }).bind(), { name: 'free', routePrefix: '/free' });
  port = (await serve.status()).proxy!.port;
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
});

/** Starts a request and pauses its response at once. */
function pausedGet(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      res.pause();
      resolve(res);
    }).on('error', reject);
  });
}

/** The count once it stops changing (polled every 200 ms). */
async function settled(read: () => Promise<number>): Promise<number> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const n = await read();
    if (n === last) return n;
    last = n;
    await sleep(200);
  }
  return last;
}

test('a slow HTTP client pauses the replica generator; everything arrives when it reads on', { timeout: 60_000 }, async () => {
  const h: DeploymentHandle<InstanceType<typeof Big.cls>> = serve.getDeploymentHandle('Big', 'bp');
  const res = await pausedGet(`/bp/big?id=slow&n=${N}&size=${SIZE}`);
  assert.equal(res.statusCode, 200);
  const produced = await settled(async () => await h.producedCount.remote('slow'));
  await sleep(500);
  assert.equal(await h.producedCount.remote('slow'), produced, 'the generator stays paused while the client does not read');
  // 4 chunks waiting in the object store, one in the proxy, one being made, and what the sockets buffer.
  const bound = 4 + 2 + SOCKET_SLACK / SIZE;
  assert.ok(produced <= bound && produced < N, `paused after ${produced} of ${N} chunks (bound ${bound})`);

  res.resume();
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  assert.equal(body.length, N * SIZE);
  for (let i = 0; i < N; i++) assert.equal(body[i * SIZE], i % 251, `chunk ${i} in order`);
  assert.equal(await h.producedCount.remote('slow'), N);
});

test('without a limit (streamBackpressureNumObjects: -1) the generator runs ahead of a paused client', { timeout: 60_000 }, async () => {
  const h: DeploymentHandle<InstanceType<typeof Big.cls>> = serve.getDeploymentHandle('BigFree', 'free');
  const res = await pausedGet(`/free/big?id=free&n=${N}&size=${SIZE}`);
  const produced = await settled(async () => await h.producedCount.remote('free'));
  assert.equal(produced, N);
  res.resume();
  let bytes = 0;
  for await (const c of res) bytes += (c as Buffer).length;
  assert.equal(bytes, N * SIZE);
});
