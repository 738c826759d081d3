import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { startRedisServer } from '../../packages/core/src/gcs/redis-server.js';
import * as defs from '../fixtures/cluster-defs.js';
import { startCluster, waitFor, type TestCluster } from './harness.js';

let cluster: TestCluster;
let redis: Awaited<ReturnType<typeof startRedisServer>>;

before(async () => {
  redis = await startRedisServer();
  cluster = await startCluster({ cpus: 1, redisAddress: redis.address }, [{ cpus: 1, resources: { keeper: 1 } }, { cpus: 1 }]);
  // This driver talks to a worker node, so it outlives the head.
  await ray.init({ address: cluster.nodes[1]!.address, token: cluster.token, namespace: 'restart-test' });
  await waitFor(async () => (await ray.clusterResources()).CPU === 3, 15_000, '3 CPUs');
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
  await redis?.stop();
});

test('the head restarts from Redis: nodes rejoin, named and detached actors are found again, running work finishes', { timeout: 150_000 }, async () => {
  const keeper = defs.RemoteCounter.options({ name: 'keeper', lifetime: 'detached', resources: { keeper: 0.5 } }).remote();
  assert.equal(await ray.get(keeper.inc.remote(5)), 5);
  const headId = cluster.head.nodeId;
  const onHead = defs.RemoteCounter.options({
    name: 'on-head', lifetime: 'detached', maxRestarts: 1, schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: headId },
  }).remote();
  assert.equal(await ray.get(onHead.node.remote()), headId);
  assert.equal(await ray.get(onHead.inc.remote(2)), 2);

  // Work in flight across the worker nodes while the head goes down.
  const work = Array.from({ length: 6 }, (_, i) => defs.slowEcho.remote(i, 1500));
  await new Promise((r) => setTimeout(r, 300));
  const newHead = await cluster.restartHead();
  assert.notEqual(newHead.nodeId, headId);
  assert.deepEqual(await ray.get(work), [0, 1, 2, 3, 4, 5]);

  // The named, detached actor on a worker node kept its state; the head found it again.
  const again = await ray.getActor<defs.Counter>('keeper');
  assert.equal(await ray.get(again.inc.remote(1)), 6);
  // The one on the old head node is restarted on another node (maxRestarts: 1), state anew.
  const moved = await ray.getActor<defs.Counter>('on-head');
  assert.equal(await ray.get(moved.inc.remote(1)), 1);
  assert.notEqual(await ray.get(moved.node.remote()), headId);
  // The rejoined cluster has all its CPUs again (the new head node included).
  await waitFor(async () => (await ray.clusterResources()).CPU === 3, 20_000, 'nodes to rejoin');
  ray.kill(again);
  ray.kill(moved);
});
