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

test('a value put on a node that dies raises ObjectLostError (it cannot be rebuilt)', { timeout: 60_000 }, async () => {
  // A node of its own for this test, so the others stay up.
  const n = await cluster.addNode({ cpus: 1, resources: { doomed: 1 } });
  await waitFor(async () => ((await ray.clusterResources()).doomed ?? 0) === 1, 15_000, 'the new node');
  const out = await ray.get(defs.putHere.options({ resources: { doomed: 1 } }).remote(2_000_000));
  assert.equal(out.node, n.nodeId);
  cluster.kill(n);
  await assert.rejects(ray.get(out.ref, { timeout: 30_000 }), ray.ObjectLostError);
});

test('a value too big for the reading node\'s object store fails that read with ObjectStoreFullError; the node lives on', { timeout: 60_000 }, async () => {
  const small = await cluster.addNode({ cpus: 1, resources: { small: 1 }, objectStoreMemory: 32 << 20 });
  await waitFor(async () => ((await ray.clusterResources()).small ?? 0) === 1, 15_000, 'the small node');
  const big = defs.makeBytes.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: cluster.nodes[0]!.nodeId } }).remote(64 << 20, 3);
  // Made elsewhere: wait() without fetchLocal says ready without pulling it here.
  const [ready] = await ray.wait([big], { numReturns: 1, timeout: 30_000, fetchLocal: false });
  assert.equal(ready.length, 1);
  await assert.rejects(ray.get(defs.checksum.options({ resources: { small: 1 } }).remote(big)), (err: Error) =>
    err instanceof ray.ObjectStoreFullError || (err instanceof ray.RayTaskError && err.cause instanceof ray.ObjectStoreFullError));
  assert.equal(await ray.get(defs.special.options({ resources: { small: 1 } }).remote()), small.nodeId);
});

test('garbage on a node\'s port closes that connection only; the node keeps serving', { timeout: 30_000 }, async () => {
  const { connect } = await import('node:net');
  const target = cluster.nodes[0]!.address;
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  for (const junk of [Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]), Buffer.from([5, 0, 0, 0, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1])]) {
    await new Promise<void>((resolve) => {
      const s = connect({ host, port }, () => s.write(junk));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      setTimeout(() => s.destroy(), 3000);
    });
  }
  const where = await ray.get(defs.whereAmI.options({ schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: cluster.nodes[0]!.nodeId } }).remote(0));
  assert.equal(where, cluster.nodes[0]!.nodeId);
});

test('a node that stops answering (SIGSTOP) is declared dead within seconds; its work runs elsewhere; it stops when it wakes', { timeout: 90_000 }, async () => {
  const frozen = cluster.nodes[0]!;
  const soft = { type: 'NODE_AFFINITY' as const, nodeId: frozen.nodeId, soft: true };
  const work = Array.from({ length: 2 }, (_, i) => defs.slowEcho.options({ schedulingStrategy: soft }).remote(i, 1000));
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  process.kill(frozen.pid, 'SIGSTOP');
  try {
    assert.deepEqual(await ray.get(work), [0, 1]);
    const took = Date.now() - t0;
    assert.ok(took < 20_000, `took ${took} ms to notice the frozen node`);
  } finally {
    process.kill(frozen.pid, 'SIGCONT');
  }
  // Woken, it learns it was declared dead and stops instead of rejoining with stale state.
  await waitFor(() => {
    try {
      process.kill(frozen.pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 20_000, 'the woken node to stop');
});
