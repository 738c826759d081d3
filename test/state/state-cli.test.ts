import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/state-defs.js';
import { startCluster, waitFor, type TestCluster } from '../cluster/harness.js';
import { parsePrometheus } from './prom-parse.js';

const run = promisify(execFile);
let cluster: TestCluster;

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['packages/core/bin/ray-ts.mjs', ...args, '--address', cluster.address, '--token', cluster.token], { timeout: 60_000 });
  return stdout;
}

before(async () => {
  cluster = await startCluster({ cpus: 2 }, [{ cpus: 2 }]);
  await ray.init({ address: cluster.address, token: cluster.token });
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
});

test('ray-ts list/summary/get/memory against a head with a workload running', { timeout: 120_000 }, async () => {
  const k = defs.RemoteKeeper.remote();
  assert.equal(await ray.get(k.add.remote(1)), 1);
  await ray.get([defs.hit.remote('x'), defs.hit.remote('y')]);
  const running = defs.sleepy.remote(4000);
  let tasks: { rows: Array<{ taskId: string; name: string; state: string; nodeId: string }> } = { rows: [] };
  await waitFor(async () => {
    tasks = JSON.parse(await cli('list', 'tasks', '--filter', 'state=RUNNING', '--format', 'json'));
    return tasks.rows.some((t) => t.name === 'sleepy');
  }, 30_000, 'a RUNNING task in ray-ts list tasks');
  assert.ok(tasks.rows.every((t) => t.state === 'RUNNING'));
  const nodeIds = new Set([cluster.head.nodeId, ...cluster.nodes.map((n) => n.nodeId)]);
  assert.ok(tasks.rows.every((t) => nodeIds.has(t.nodeId)));

  const actors = JSON.parse(await cli('list', 'actors', '--format', 'json')) as { rows: Array<{ className: string; state: string; pid: number }> };
  const keeper = actors.rows.find((a) => a.className === 'Keeper');
  assert.equal(keeper?.state, 'ALIVE');
  assert.ok(keeper.pid > 0);

  const nodes = JSON.parse(await cli('list', 'nodes', '--format', 'json')) as { rows: Array<{ nodeId: string; state: string; metricsAddress?: string }> };
  assert.deepEqual(new Set(nodes.rows.map((n) => n.nodeId)), nodeIds);
  assert.ok(nodes.rows.every((n) => n.state === 'ALIVE' && n.metricsAddress));

  const all = JSON.parse(await cli('list', 'tasks', '--format', 'json', '--limit', '1000')) as { rows: Array<{ taskId: string; name: string; state: string }> };
  const hit = all.rows.find((t) => t.name === 'hit' && t.state === 'FINISHED')!;
  assert.ok(hit);
  const yaml = await cli('get', 'task', hit.taskId);
  assert.match(yaml, new RegExp(`taskId: ${hit.taskId}`));
  assert.match(yaml, /state: FINISHED/);

  const table = await cli('list', 'workers');
  assert.match(table, /WORKERID\s+PID\s+NODEID/);
  const summary = JSON.parse(await cli('summary', 'tasks', '--format', 'json')) as { summary: Record<string, { stateCounts: Record<string, number> }> };
  assert.equal(summary.summary.hit!.stateCounts.FINISHED, 2);
  assert.match(await cli('summary', 'actors'), /Keeper/);
  JSON.parse(await cli('memory', '--format', 'json'));
  for (const kind of ['objects', 'jobs', 'placement-groups']) JSON.parse(await cli('list', kind, '--format', 'json'));
  await assert.rejects(cli('list', 'tasks', '--filter', 'colour=red'), (e: { stderr: string }) => /'colour' is not a field of tasks/.test(e.stderr));

  // The head's metrics endpoint (recorded in the head file and the node table).
  const head = JSON.parse(readFileSync(join(cluster.head.tempDir, 'head.json'), 'utf8')) as { metricsAddress: string };
  const m = parsePrometheus(await (await fetch(`http://${head.metricsAddress}/metrics`)).text());
  assert.ok(m.samples.some((s) => s.name === 'ray_workers'));

  // Logs of the actor's worker, found by actor id, wherever it runs.
  const [a] = await ray.state.listActors({ filters: [['className', '=', 'Keeper']], detail: true });
  await waitFor(async () => (await cli('logs', '--actor-id', a!.actorId)).includes('keeper got 1'), 20_000, 'the actor log through ray-ts logs');
  assert.match(await cli('logs'), /PID/);

  // Timeline
  await ray.get(running);
  const dir = mkdtempSync(join(tmpdir(), 'ray-ts-timeline-'));
  try {
    await cli('timeline', '--output', join(dir, 't.json'));
    const trace = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8')) as { traceEvents: Array<{ ph: string; name: string; ts: number; dur: number; pid: string; tid: string }> };
    const sleepy = trace.traceEvents.find((e) => e.name === 'sleepy');
    assert.ok(sleepy && sleepy.ph === 'X' && sleepy.dur > 0 && /^worker:\d+$/.test(sleepy.tid));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  ray.kill(k);
});
