import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { Models } from './fixtures/multiplexed.js';

type Stats = { pid: number; loads: string[]; evicted: string[] };

/** Each replica's stats, asked of the replica actors directly. */
async function replicaStats(app: string, dep: string): Promise<Stats[]> {
  const names = (await serve.status()).applications[app]!.deployments[dep]!.replicaNames;
  return Promise.all(names.map(async (n) => {
    const a = await ray.getActor(n, { namespace: 'serve' });
    return (await ray.get((a as any).handleRequest.remote('stats', [], false) as ray.ObjectRef<Stats>));
  }));
}

before(async () => {
  await ray.init({ numCpus: 2 });
});

after(async () => {
  await serve.shutdown();
  ray.shutdown();
});

test('handle option multiplexedModelId: a model is loaded once and its calls go to the replica holding it', { timeout: 60_000 }, async () => {
  const h = await serve.run(Models.bind(), { name: 'mux', routePrefix: '/mux', port: 0 });
  const a = h.options({ multiplexedModelId: 'a' });
  const first = await a.predict.remote(0);
  assert.equal(first.model, 'a');
  for (let i = 1; i <= 6; i++) assert.equal((await a.predict.remote(i)).pid, first.pid, 'same replica for model a');
  const b = await h.predict.options({ multiplexedModelId: 'b' }).remote(1);
  assert.equal(b.model, 'b');
  const stats = await replicaStats('mux', 'Models');
  assert.equal(stats.flatMap((s) => s.loads).filter((m) => m === 'a').length, 1, 'model a loaded once');
  assert.equal(stats.find((s) => s.pid === first.pid)!.loads.filter((m) => m === 'a').length, 1);
  assert.throws(() => h.options({ multiplexedModelId: '' }), /multiplexedModelId must be a non-empty string/);
});

test('HTTP header serve_multiplexed_model_id routes by model and reaches getMultiplexedModelId()', { timeout: 60_000 }, async () => {
  const base = `http://127.0.0.1:${(await serve.status()).proxy!.port}/mux`;
  const ask = async (model: string) => (await (await fetch(base, { headers: { serve_multiplexed_model_id: model } })).json()) as { model: string; pid: number; header: string };
  const first = await ask('h1');
  assert.deepEqual([first.model, first.header], ['h1', 'h1']);
  for (let i = 0; i < 5; i++) assert.equal((await ask('h1')).pid, first.pid);
  const stats = await replicaStats('mux', 'Models');
  assert.equal(stats.flatMap((s) => s.loads).filter((m) => m === 'h1').length, 1, 'model h1 loaded once');
  const none = await fetch(base);
  assert.equal(none.status, 400);
  assert.match(((await none.json()) as { error: string }).error, /no model id/);
});

test('each replica keeps maxNumModelsPerReplica models, evicting the least recently used (its dispose() runs)', { timeout: 60_000 }, async () => {
  const h = await serve.run(Models.withOptions({ name: 'One', numReplicas: 1 }).bind(), { name: 'lru', routePrefix: null });
  const use = (m: string) => h.options({ multiplexedModelId: m }).predict.remote(0);
  await use('x');
  await use('y');
  await use('x'); // x is now the most recent
  await use('z'); // evicts y
  await use('x'); // still loaded
  await use('y'); // loaded again, evicts z
  const [s] = await replicaStats('lru', 'One');
  assert.deepEqual(s!.loads, ['x', 'y', 'z', 'y']);
  assert.deepEqual(s!.evicted, ['y', 'z']);
  await serve.delete('lru');
});
