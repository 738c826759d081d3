// Serve on a cluster: one HTTP proxy per node (proxyLocation 'EveryNode', the default), pinned
// to its node; nodes sharing a host listen on port + k; a node that joins gets a proxy, a node
// that goes loses it; 'HeadOnly' runs one proxy on the head.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { Where } from '../fixtures/serve-cluster-defs.js';
import { startCluster, waitFor, type TestCluster } from './harness.js';

let cluster: TestCluster;

/** True when `port` is free on 127.0.0.1. */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port with the next `n - 1` ports free too. */
async function freePorts(n: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
}

async function answer(address: string): Promise<{ replicaNode: string }> {
  const res = await fetch(`http://${address}/where`);
  assert.equal(res.status, 200, `proxy at ${address}`);
  return (await res.json()) as { replicaNode: string };
}

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 1 }]);
  await ray.init({ address: cluster.address, token: cluster.token });
});
after(async () => {
  await serve.shutdown().catch(() => undefined);
  ray.shutdown();
  await cluster?.stop();
});

test('EveryNode: a proxy on each node answers the same route; joins and departures follow', { timeout: 120_000 }, async () => {
  const port = await freePorts(3);
  await serve.run(Where.bind(), { name: 'where', routePrefix: '/where', port });
  const st = await serve.status();
  const proxies = st.proxies!;
  assert.deepEqual(proxies.map((p) => [p.nodeId, p.port, p.status]), [[cluster.head.nodeId, port, 'HEALTHY'], [cluster.nodes[0]!.nodeId, port + 1, 'HEALTHY']]);
  assert.deepEqual(st.proxy, { host: '127.0.0.1', port });
  const answers = await Promise.all(proxies.map((p) => answer(p.address)));
  assert.equal(answers[0]!.replicaNode, answers[1]!.replicaNode, 'both proxies reach the one replica');

  // Each proxy actor runs on its own node.
  const actors = await ray.state.listActors({ filters: [['state', '=', 'ALIVE']] });
  const proxyNodes = actors.filter((a) => a.name?.startsWith('SERVE_PROXY_ACTOR')).map((a) => a.nodeId).sort();
  assert.deepEqual(proxyNodes, [cluster.head.nodeId, cluster.nodes[0]!.nodeId].sort());

  // A node that joins gets a proxy (the next port on this host); one that goes loses it.
  const joined = await cluster.addNode({ cpus: 1 });
  await waitFor(async () => ((await serve.status()).proxies ?? []).some((p) => p.nodeId === joined.nodeId && p.status === 'HEALTHY'), 30_000, 'a proxy on the new node');
  const third = (await serve.status()).proxies!.find((p) => p.nodeId === joined.nodeId)!;
  assert.equal(third.port, port + 2);
  assert.equal((await answer(third.address)).replicaNode, answers[0]!.replicaNode);
  cluster.kill(joined);
  await waitFor(async () => !((await serve.status()).proxies ?? []).some((p) => p.nodeId === joined.nodeId), 30_000, 'the proxy of the node that went is removed');
  assert.equal((await serve.status()).proxies!.length, 2);
  await serve.shutdown();
  assert.ok(await free(port), 'shutdown frees the ports');
  assert.ok(await free(port + 1));
});

test("HeadOnly: one proxy, on the head node", { timeout: 60_000 }, async () => {
  assert.throws(() => serve.run(Where.bind(), { proxyLocation: 'Nowhere' as never }), /proxyLocation must be one of 'EveryNode', 'HeadOnly'/);
  await serve.run(Where.bind(), { name: 'where', routePrefix: '/where', port: 0, proxyLocation: 'HeadOnly' });
  const proxies = (await serve.status()).proxies!;
  assert.deepEqual(proxies.map((p) => p.nodeId), [cluster.head.nodeId]);
  await answer(proxies[0]!.address);
  await serve.shutdown();
});
