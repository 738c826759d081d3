import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

const run = promisify(execFile);
let info: ray.InitInfo;

before(async () => {
  info = await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('ray-ts status shows resources, running and infeasible pending tasks', async () => {
  const running = defs.spin.remote(3000);
  const infeasible = defs.square.options({ numCpus: 16 }).remote(1);
  const c = defs.RemoteCounter.remote();
  await ray.get(c.inc.remote());
  await new Promise((r) => setTimeout(r, 200));
  const { stdout } = await run(process.execPath, ['packages/core/bin/ray-ts.mjs', 'status', '--session-dir', info.sessionDir], { timeout: 30_000 });
  assert.match(stdout, /CPU/);
  assert.match(stdout, /1 running/);
  assert.match(stdout, /"CPU":16\}: 1 \(infeasible/);
  assert.match(stdout, /Actors: 1 alive/);
  const json = JSON.parse((await run(process.execPath, ['packages/core/bin/ray-ts.mjs', 'status', '--json', '--session-dir', info.sessionDir], { timeout: 30_000 })).stdout);
  assert.equal(json.nodeId, info.nodeId);
  assert.equal(json.resources.total.CPU, 2);
  ray.cancel(infeasible);
  ray.kill(c);
  await ray.get(running);
});

test('ray-ts status without a session says how to start one', async () => {
  await assert.rejects(run(process.execPath, ['packages/core/bin/ray-ts.mjs', 'status', '--temp-dir', '/tmp/ray-ts-none-here'], { timeout: 30_000 }), (e: { stderr: string }) => /No running ray-ts session/.test(e.stderr));
});
