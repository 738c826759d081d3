import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/cluster-defs.js';
import { startCluster, waitFor, type TestCluster } from './harness.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 1 }, { cpus: 1 }, { cpus: 1, resources: { victim: 1 } }]);
  await ray.init({ address: cluster.address, token: cluster.token });
  await waitFor(async () => (await ray.clusterResources()).CPU === 4, 15_000, '4 CPUs');
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
});

test('a client with a wrong token is refused and runs nothing', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const run = promisify(execFile);
  await assert.rejects(
    run(process.execPath, ['packages/core/bin/ray-ts.mjs', 'status', '--address', cluster.address, '--token', 'wrong'], { timeout: 30_000 }),
    (e: { stderr: string }) => /refused the connection: wrong or missing cluster token/.test(e.stderr),
  );
  // Nothing was queued by the refused client.
  const r = await ray.availableResources();
  assert.ok(r.CPU! >= 0);
});

test('SIGKILL of a node mid-workload: its tasks run again elsewhere, its actors restart elsewhere, its objects are rebuilt', { timeout: 120_000 }, async () => {
  const victim = cluster.nodes[2]!;
  // Values made on the victim (soft affinity: their re-runs may go anywhere).
  const soft = { type: 'NODE_AFFINITY' as const, nodeId: victim.nodeId, soft: true };
  const made = defs.makeBytes.options({ schedulingStrategy: soft }).remote(4 * 1024 * 1024, 7);
  const expected = await ray.get(defs.checksum.options({ schedulingStrategy: soft }).remote(made));
  assert.equal(expected.node, victim.nodeId);
  // An actor on the victim that may restart.
  const actor = defs.RemoteCounter.options({ resources: { victim: 0.5 }, maxRestarts: 1, maxTaskRetries: 1 }).remote();
  assert.equal(await ray.get(actor.node.remote()), victim.nodeId);
  // Long tasks across the cluster, some on the victim.
  const slow = Array.from({ length: 8 }, (_, i) => defs.slowEcho.options({ schedulingStrategy: 'SPREAD' }).remote(i, 1500));
  await new Promise((r) => setTimeout(r, 500));
  cluster.kill(victim);
  assert.deepEqual(await ray.get(slow), [0, 1, 2, 3, 4, 5, 6, 7]);
  // The value made on the dead node is rebuilt from its lineage, byte for byte.
  const again = await ray.get(defs.checksum.remote(made));
  assert.equal(again.h, expected.h);
  assert.notEqual(again.node, victim.nodeId);
  // The head restarted the actor elsewhere? It needs `victim`, which died with its node: it is dead.
  await assert.rejects(ray.get(actor.inc.remote()), ray.RayActorError);
});

test('an actor whose node dies restarts on another node (maxRestarts)', { timeout: 120_000 }, async () => {
  const target = cluster.nodes[1]!;
  const actor = defs.RemoteCounter.options({ maxRestarts: 1, maxTaskRetries: 2, schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: target.nodeId, soft: true } }).remote();
  assert.equal(await ray.get(actor.node.remote()), target.nodeId);
  assert.equal(await ray.get(actor.inc.remote(5)), 5);
  cluster.kill(target);
  // State starts over (the constructor runs again), on a live node.
  const n = await ray.get(actor.inc.remote(1));
  assert.equal(n, 1);
  const where = await ray.get(actor.node.remote());
  assert.notEqual(where, target.nodeId);
});
