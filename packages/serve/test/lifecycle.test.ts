import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { Api, Worker } from './fixtures/deployments.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

let base = '';

before(async () => {
  await ray.init({ numCpus: 2 });
  await serve.run(Api.bind(), { name: 'api', routePrefix: '/api', port: 0 });
  base = `http://127.0.0.1:${(await serve.status()).proxy!.port}`;
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
});

test('a killed replica is replaced and requests keep working', { timeout: 60_000 }, async () => {
  const before = (await serve.status()).applications.api!.deployments.Api!.replicaNames;
  assert.equal(before.length, 1);
  const oldPid = await (await fetch(`${base}/api/pid`)).json();
  ray.kill(await ray.getActor(before[0]!, { namespace: 'serve' }));
  // Requests sent while the only replica is down wait for its replacement.
  const res = await fetch(`${base}/api/hello?name=again`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { hello: 'again' });
  assert.notEqual(await (await fetch(`${base}/api/pid`)).json(), oldPid);
  const names = await until('a new running replica', async () => {
    const d = (await serve.status()).applications.api!.deployments.Api!;
    return d.runningReplicas === 1 && d.replicaNames[0] !== before[0] && d.replicaNames;
  });
  assert.equal(names.length, 1);
});

test('autoscaling adds replicas under load and removes them after', { timeout: 90_000 }, async () => {
  const Auto = Worker.withOptions({
    name: 'Auto', maxOngoingRequests: 4,
    autoscalingConfig: { minReplicas: 1, maxReplicas: 3, targetOngoingRequests: 1, upscaleDelayS: 0.2, downscaleDelayS: 1, lookBackPeriodS: 1 },
  });
  const h = await serve.run(Auto.bind(), { name: 'auto', routePrefix: null });
  const replicas = async () => (await serve.status()).applications.auto!.deployments.Auto!;
  assert.equal((await replicas()).runningReplicas, 1);
  let loading = true;
  const load = Promise.all(Array.from({ length: 6 }, async () => {
    while (loading) await h.work.remote(300);
  }));
  await until('3 replicas', async () => (await replicas()).runningReplicas === 3, 45_000);
  loading = false;
  await load;
  await until('back to 1 replica', async () => (await replicas()).runningReplicas === 1 && (await replicas()).targetReplicas === 1, 45_000);
  await serve.delete('auto');
});

test('serve.run of a running application rolls it over with no failed request', { timeout: 60_000 }, async () => {
  const h = await serve.run(Worker.withOptions({ name: 'Roll' }).bind(), { name: 'roll', routePrefix: null });
  const replicas = async () => (await serve.status()).applications.roll!.deployments.Roll!;
  const first = (await replicas()).replicaNames;
  let loading = true;
  let ok = 0;
  const failures: unknown[] = [];
  const load = Promise.all(Array.from({ length: 3 }, async () => {
    while (loading) {
      try {
        await h.work.remote(50);
        ok++;
      } catch (err) {
        failures.push(err);
      }
    }
  }));
  await sleep(300);
  await serve.run(Worker.withOptions({ name: 'Roll', numReplicas: 2 }).bind(), { name: 'roll', routePrefix: null });
  await sleep(2500);
  loading = false;
  await load;
  assert.deepEqual(failures, []);
  assert.ok(ok > 20, `${ok} calls succeeded`);
  const now = await replicas();
  assert.equal(now.runningReplicas, 2);
  assert.ok(now.replicaNames.every((n) => !first.includes(n)), 'all replicas are new');
  await serve.delete('roll');
});

test('serve.delete removes an application and its route', { timeout: 30_000 }, async () => {
  await serve.run(Worker.bind(), { name: 'gone', routePrefix: '/gone' });
  assert.ok((await serve.status()).applications.gone);
  assert.equal(await serve.delete('gone'), true);
  assert.equal((await serve.status()).applications.gone, undefined);
  assert.equal((await fetch(`${base}/gone/pid`)).status, 404);
  assert.equal(await serve.delete('gone'), false);
});

test('serve.shutdown stops the proxy, replicas and controller and frees the port', { timeout: 30_000 }, async () => {
  const st = await serve.status();
  const port = st.proxy!.port;
  const names = ['SERVE_CONTROLLER_ACTOR', 'SERVE_PROXY_ACTOR', ...st.applications.api!.deployments.Api!.replicaNames];
  await serve.shutdown();
  for (const n of names) {
    await until(`${n} to be gone`, async () => ray.getActor(n, { namespace: 'serve' }).then(() => false, (e) => e instanceof ray.ActorNotFoundError));
  }
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
  assert.deepEqual(await serve.status(), { applications: {} });
});
