/**
 * Autoscaling counts the requests queued in handles (Ray does): with maxOngoingRequests 1,
 * a replica never runs more than one call of this process's handle, so with
 * targetOngoingRequests 1 the replicas' own counts can never ask for more replicas than
 * are running. Only the calls waiting in the driver's router, reported to the controller,
 * make the deployment grow — deterministically, not by a lucky read.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { Worker } from './fixtures/deployments.js';
import type { ReplicaActor } from '../src/internal/replica-actor.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

before(async () => {
  await ray.init({ numCpus: 2 });
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
});

test('requests queued in a handle scale a deployment up, and it scales down after', { timeout: 90_000 }, async () => {
  const Queued = Worker.withOptions({
    name: 'Queued', maxOngoingRequests: 1,
    autoscalingConfig: { minReplicas: 1, maxReplicas: 3, targetOngoingRequests: 1, upscaleDelayS: 0.5, downscaleDelayS: 1, lookBackPeriodS: 1 },
  });
  const h = await serve.run(Queued.bind(), { name: 'queued', routePrefix: null });
  const dep = async () => (await serve.status()).applications.queued!.deployments.Queued!;
  assert.equal((await dep()).runningReplicas, 1);

  // Six callers in a closed loop: one call runs on the replica, five wait in the router.
  let loading = true;
  let calls = 0;
  const load = Promise.all(Array.from({ length: 6 }, async () => {
    while (loading) {
      await h.work.remote(200);
      calls++;
    }
  }));
  try {
    await until('3 replicas', async () => (await dep()).runningReplicas === 3, 45_000);
    // Every replica ran at most one call at a time: its own count never exceeded the target.
    for (const name of (await dep()).replicaNames) {
      const replica = await ray.getActor<ReplicaActor>(name, { namespace: 'serve' });
      assert.ok((await ray.get(replica.handleRequest.remote('peak', [], false))) as number <= 1, `${name} ran more than one call at once`);
    }
  } finally {
    loading = false;
    await load;
  }
  assert.ok(calls > 6);
  // No queue, no calls: the window's average falls, then the downscale delay passes.
  await until('back to 1 replica', async () => {
    const d = await dep();
    return d.runningReplicas === 1 && d.targetReplicas === 1;
  }, 45_000);
  await serve.delete('queued');
});
