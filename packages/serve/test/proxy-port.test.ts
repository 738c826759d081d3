// A proxy whose port is taken: serve.run fails with a ServeError that says so, and a later
// run on another port starts the proxy (the embedded cluster: one node, one proxy).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import * as ray from '@ray-ts/core';
import { serve, ServeError } from '@ray-ts/serve';
import { Echo } from './fixtures/deployments.js';

let blocker: Server;
let taken = 0;

before(async () => {
  await ray.init({ numCpus: 2 });
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  taken = (blocker.address() as { port: number }).port;
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
  blocker.close();
});

test('a taken port fails serve.run with a ServeError naming it; another port works', { timeout: 60_000 }, async () => {
  await assert.rejects(serve.run(Echo.bind(), { name: 'p', routePrefix: '/p', port: taken }), (e: Error) => e instanceof ServeError && /could not start.*EADDRINUSE/s.test(e.message));
  await serve.run(Echo.bind(), { name: 'p', routePrefix: '/p', port: 0 });
  const st = await serve.status();
  assert.equal(st.proxies!.length, 1);
  assert.equal(st.proxies![0]!.status, 'HEALTHY');
  assert.equal(st.proxies![0]!.nodeId, ray.getRuntimeContext().nodeId);
  assert.equal((await fetch(`http://${st.proxies![0]!.address}/p`)).status < 500, true);
});
