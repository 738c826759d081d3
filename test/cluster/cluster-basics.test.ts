import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/cluster-defs.js';
import { startCluster, waitFor, type TestCluster } from './harness.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 1, labels: { zone: 'east' } }, { cpus: 1, resources: { special: 2 }, labels: { zone: 'west', disk: 'ssd' } }]);
  await ray.init({ address: cluster.address, token: cluster.token });
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
});

test('nodes join the head: cluster resources add up', async () => {
  await waitFor(async () => (await ray.clusterResources()).CPU === 3, 15_000, '3 CPUs');
  const r = await ray.clusterResources();
  assert.equal(r.CPU, 3);
  assert.equal(r.special, 2);
});

test('tasks spill from a full node to the others', { timeout: 60_000 }, async () => {
  const nodes = new Set(await ray.get(Array.from({ length: 12 }, () => defs.whereAmI.remote(300))));
  assert.equal(nodes.size, 3, `ran on ${[...nodes].join(', ')}`);
});

test('a task needing a custom resource runs on the node that has it', async () => {
  const where = await ray.get(defs.special.remote());
  assert.equal(where, cluster.nodes[1]!.nodeId);
});

test('node affinity pins a task to a node', async () => {
  const target = cluster.nodes[0]!.nodeId;
  const got = await ray.get(Array.from({ length: 4 }, () => defs.whereAmI.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: target } }).remote(0)));
  assert.deepEqual(new Set(got), new Set([target]));
});

test('objects cross nodes byte-exact (made on one node, read on another and by the driver)', { timeout: 60_000 }, async () => {
  const [a, b] = [cluster.nodes[0]!.nodeId, cluster.nodes[1]!.nodeId];
  const n = 24 * 1024 * 1024 + 7;
  const made = defs.makeBytes.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: a } }).remote(n, 42);
  const sum = await ray.get(defs.checksum.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: b } }).remote(made));
  const local = await ray.get(defs.checksum.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: a } }).remote(made));
  assert.equal(sum.node, b);
  assert.equal(sum.n, n);
  assert.equal(sum.h, local.h);
  const bytes = (await ray.get(made)) as Uint8Array;
  assert.equal(bytes.length, n);
  let h = 0;
  for (let i = 0; i < bytes.length; i++) h = (Math.imul(h, 31) + bytes[i]!) | 0;
  assert.equal(h, sum.h);
});

test('a put from the driver reaches tasks on every node', async () => {
  const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
  const ref = ray.put(data);
  const sums = await ray.get(cluster.nodes.map((n) => defs.checksum.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: n.nodeId } }).remote(ref)));
  assert.equal(new Set(sums.map((s) => s.h)).size, 1);
  assert.equal(sums[0]!.n, data.length);
});

test('actors placed on another node keep state and order; named actors are found cluster-wide', async () => {
  const c = defs.RemoteCounter.options({ name: 'cluster-counter', resources: { special: 1 } }).remote();
  const vals = await ray.get(Array.from({ length: 20 }, () => c.inc.remote(1)));
  assert.deepEqual(vals, Array.from({ length: 20 }, (_, i) => i + 1));
  assert.equal(await ray.get(c.node.remote()), cluster.nodes[1]!.nodeId);
  const again = await ray.getActor<defs.Counter>('cluster-counter');
  assert.equal(await ray.get(again.inc.remote(10)), 30);
  ray.kill(c);
});


test('ray-ts status --address lists every node of the cluster', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { stdout } = await promisify(execFile)(process.execPath, ['packages/core/bin/ray-ts.mjs', 'status', '--address', cluster.address, '--token', cluster.token], { timeout: 30_000 });
  assert.match(stdout, /Cluster: 3 alive node\(s\), 0 dead/);
  for (const n of [cluster.head, ...cluster.nodes]) assert.ok(stdout.includes(n.nodeId), `status lacks ${n.nodeId}`);
  assert.match(stdout, /\(head\)/);
});

test('a streaming generator runs on another node; its items (some large) reach the driver in order', { timeout: 60_000 }, async () => {
  const target = cluster.nodes[0]!.nodeId;
  const gen = defs.streamBytes.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: target } }).remote(6, 300_000);
  const seen: number[] = [];
  for await (const ref of gen) {
    const item = await ray.get(ref);
    assert.equal(item.node, target);
    assert.equal(item.bytes.length, 300_000);
    assert.ok(item.bytes.every((b: number) => b === seen.length));
    seen.push(seen.length);
  }
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
});

test('a streaming method of an actor on another node streams to the driver', { timeout: 60_000 }, async () => {
  const t = defs.RemoteTicker.options({ resources: { special: 1 } }).remote();
  const got: string[] = [];
  for await (const ref of t.ticks.remote(4)) got.push(await ray.get(ref));
  const where = cluster.nodes[1]!.nodeId;
  assert.deepEqual(got, [0, 1, 2, 3].map((i) => `${where}:${i}`));
  ray.kill(t);
});

test('node labels: hard constraints pick matching nodes, soft ones are preferred, no match is infeasible', { timeout: 60_000 }, async () => {
  const [east, west] = [cluster.nodes[0]!.nodeId, cluster.nodes[1]!.nodeId];
  const onWest = await ray.get(Array.from({ length: 3 }, () => defs.whereAmI.options({ schedulingStrategy: { type: 'NODE_LABEL', hard: { zone: 'west' } } }).remote(0)));
  assert.deepEqual(new Set(onWest), new Set([west]));
  const soft = await ray.get(defs.whereAmI.options({ schedulingStrategy: { type: 'NODE_LABEL', hard: {}, soft: { disk: 'ssd' } } }).remote(0));
  assert.equal(soft, west);
  const c = defs.RemoteCounter.options({ schedulingStrategy: { type: 'NODE_LABEL', hard: { zone: 'east' } } }).remote();
  assert.equal(await ray.get(c.node.remote()), east);
  ray.kill(c);
  await assert.rejects(ray.get(defs.whereAmI.options({ schedulingStrategy: { type: 'NODE_LABEL', hard: { zone: 'mars' } } }).remote(0)), ray.InfeasibleError);
});
