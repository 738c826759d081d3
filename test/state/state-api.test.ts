import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { state } from '@ray-ts/core';
import * as defs from '../fixtures/state-defs.js';
import { parsePrometheus } from './prom-parse.js';

let info: ray.InitInfo;

async function until(fn: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  info = await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('tasks, actors, objects, workers and nodes appear with their state', { timeout: 60_000 }, async () => {
  const running = defs.sleepy.remote(3000);
  const k = defs.RemoteKeeper.remote();
  assert.equal(await ray.get(k.add.remote(2)), 2);
  await ray.get([defs.hit.remote('a'), defs.hit.remote('b')]);
  await assert.rejects(ray.get(defs.fails.remote()));
  await until(async () => (await state.listTasks({ filters: [['state', '=', 'RUNNING']] })).some((t) => t.name === 'sleepy'), 'a running task');
  const tasks = await state.listTasks({ detail: true, limit: 1000 });
  const byName = (n: string) => tasks.filter((t) => t.name === n);
  assert.equal(byName('hit').length, 2);
  assert.ok(byName('hit').every((t) => t.state === 'FINISHED' && t.workerPid! > 0 && t.nodeId === info.nodeId));
  const failed = byName('fails')[0]!;
  assert.deepEqual([failed.state, failed.errorType], ['FAILED', 'RangeError']);
  assert.ok(failed.events.some((e) => e.state === 'RUNNING'));
  const call = byName('Keeper.add')[0]!;
  assert.deepEqual([call.type, call.state, call.funcOrClassName], ['ACTOR_TASK', 'FINISHED', 'Keeper']);
  const got = await state.getTask(failed.taskId);
  assert.equal(got?.errorType, 'RangeError');

  const actors = await state.listActors({ filters: [['className', '=', 'Keeper']] });
  assert.equal(actors.length, 1);
  assert.equal(actors[0]!.state, 'ALIVE');
  assert.ok((actors[0]!.pid ?? 0) > 0);
  const sum = await state.summarizeTasks();
  assert.equal(sum.summary.hit!.stateCounts.FINISHED, 2);
  assert.equal((await state.summarizeActors()).summary.Keeper!.stateCounts.ALIVE, 1);

  const big = ray.put(new Uint8Array(1 << 20));
  const objs = await state.listObjects({ detail: true, limit: 10_000 });
  const o = objs.find((x) => x.objectId === big.id)!;
  assert.equal(o.callSite, 'put');
  assert.ok(o.objectSize >= 1 << 20);
  const mem = await state.memorySummary();
  assert.ok(mem.totalBytes >= 1 << 20);

  const workers = await state.listWorkers();
  assert.ok(workers.some((w) => w.state === 'ACTOR'));
  const nodes = await state.listNodes({ detail: true });
  assert.equal(nodes[0]!.nodeId, info.nodeId);
  assert.ok(nodes[0]!.metricsAddress);
  assert.equal((await state.listJobs()).length, 1);
  assert.deepEqual(await state.listPlacementGroups(), []);
  await ray.get(running);
  ray.kill(k);
});

test('filters and options are checked at the call site', async () => {
  await assert.rejects(state.listTasks({ filters: [['colour', '=', 'red']] }), (e: Error) => e instanceof TypeError && /'colour' is not a field of tasks/.test(e.message));
  await assert.rejects(state.listTasks({ filters: [['state', '>', 'x' as never]] as never }), (e: Error) => e instanceof TypeError && /operator '>'/.test(e.message));
  await assert.rejects(state.listActors({ limit: 0 }), RangeError);
  await assert.rejects(state.listNodes({ colour: 1 } as never), /options.colour/);
});

test('metrics endpoint: task counts and a user counter incremented from 2 tasks', { timeout: 60_000 }, async () => {
  assert.match(info.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  await ray.get([defs.hit.remote('m'), defs.hit.remote('m')]);
  const res = await fetch(info.metricsUrl!);
  assert.equal(res.status, 200);
  const m = parsePrometheus(await res.text());
  const finishedHits = m.samples.find((s) => s.name === 'ray_tasks' && s.labels.State === 'FINISHED' && s.labels.Name === 'hit');
  assert.ok(finishedHits && finishedHits.value >= 4, JSON.stringify(finishedHits));
  const user = m.samples.find((s) => s.name === 'test_hits' && s.labels.kind === 'm');
  assert.equal(user?.value, 2);
  assert.equal(m.types.get('test_hits'), 'counter');
  for (const name of ['ray_actors', 'ray_object_store_memory', 'ray_object_store_num_objects', 'ray_workers', 'ray_node_cpu_utilization', 'ray_node_resources_total', 'ray_node_resources_used']) {
    assert.ok(m.samples.some((s) => s.name === name), `${name} missing`);
  }
  assert.ok(m.samples.find((s) => s.name === 'ray_node_resources_total' && s.labels.Name === 'CPU')?.value === 2);
  const api = await (await fetch(info.metricsUrl!.replace('/metrics', '/api/v0/tasks?filter=name=hit&limit=2'))).json() as { rows: unknown[]; total: number };
  assert.equal(api.rows.length, 2);
  assert.ok(api.total >= 4);
  const bad = await fetch(info.metricsUrl!.replace('/metrics', '/api/v0/tasks?filter=colour=red'));
  assert.equal(bad.status, 400);
});

test('user metric classes check their arguments', () => {
  assert.throws(() => new ray.Counter('bad name'), TypeError);
  const g = new ray.Gauge('test_gauge', { tagKeys: ['a'] });
  assert.throws(() => g.set(1, { b: 'x' }), /tag 'b' is not one of its tagKeys/);
  assert.throws(() => g.set(1), /tag 'a' is missing/);
  assert.throws(() => new ray.Histogram('test_h', { boundaries: [2, 1] }), TypeError);
  assert.throws(() => new ray.Counter('test_c').inc(-1), RangeError);
});

test('timeline: Chrome trace events for the tasks that ran', async () => {
  await ray.get([defs.sleepy.remote(20), defs.sleepy.remote(20)]);
  const trace = await state.timeline();
  assert.ok(Array.isArray(trace.traceEvents));
  const ev = trace.traceEvents.filter((e) => e.name === 'sleepy');
  assert.ok(ev.length >= 2);
  for (const e of trace.traceEvents) {
    assert.equal(e.ph, 'X');
    assert.equal(typeof e.name, 'string');
    assert.ok(Number.isInteger(e.ts) && e.ts > 1e15, `ts in µs: ${e.ts}`);
    assert.ok(Number.isInteger(e.dur) && e.dur >= 0);
    assert.match(e.pid, /^node:/);
    assert.match(e.tid, /^worker:\d+$/);
  }
  assert.ok(ev.every((e) => e.dur >= 10_000), 'sleepy ran at least 10 ms');
});

test('worker logs are kept per worker and readable by pid', { timeout: 30_000 }, async () => {
  const k = defs.RemoteKeeper.remote();
  await ray.get(k.add.remote(7));
  const [a] = await state.listActors({ filters: [['className', '=', 'Keeper'], ['state', '=', 'ALIVE']], detail: true });
  await until(async () => ((await state.getLog(a!.pid!))?.data ?? '').includes('keeper got 7'), 'the actor log');
  const files = await state.listLogs();
  assert.ok(files.some((f) => f.pid === a!.pid && f.stream === 'stdout'));
  ray.kill(k);
});
