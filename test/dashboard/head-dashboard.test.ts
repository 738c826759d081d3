// The dashboard served by a head started with `ray-ts start --head` (plus a worker node), in headless Chromium:
// both nodes, a running task and an actor of a connected driver, and a submitted job with its log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/dashboard-defs.js';
import { startCluster, type TestCluster } from '../cluster/harness.js';
import { openPage, screenshot, type TestPage } from './browser.js';

const run = promisify(execFile);
let cluster: TestCluster;
let tp: TestPage | undefined;

before(async () => {
  cluster = await startCluster({ cpus: 2 }, [{ cpus: 1 }]);
  await ray.init({ address: cluster.address, token: cluster.token });
});
after(async () => {
  await tp?.close();
  ray.shutdown();
  await cluster?.stop();
});

test('the head serves the dashboard: nodes, a running task, an actor, and a job with its log', { timeout: 150_000 }, async () => {
  const head = JSON.parse(readFileSync(join(cluster.head.tempDir, 'head.json'), 'utf8')) as { metricsAddress?: string };
  assert.ok(head.metricsAddress, 'the head file records the HTTP address');
  const url = `http://${head.metricsAddress}/`;
  const running = defs.dashboardSleep.remote(90_000);
  const probe = defs.RemoteProbe.remote();
  await ray.get(probe.hello.remote());
  const env: NodeJS.ProcessEnv = { ...process.env, RAY_TS_CLUSTER_TOKEN: cluster.token };
  delete env.RAY_TS_ADDRESS;
  await run(process.execPath, [
    'packages/core/bin/ray-ts.mjs', 'job', 'submit', '--address', cluster.address, '--submission-id', 'dashboard-job', '--no-wait',
    '--', 'node', '-e', "console.log('hello from the dashboard job')",
  ], { env, timeout: 60_000 });

  tp = await openPage();
  const { page, errors } = tp;
  await page.goto(url);
  const nodes = page.locator('[data-testid=nodes-table] tbody tr[data-state=ALIVE]');
  await page.locator(`[data-testid=nodes-table] tbody tr[data-key="${cluster.nodes[0]!.nodeId}"][data-state=ALIVE]`).waitFor({ timeout: 30_000 });
  await page.locator(`[data-testid=nodes-table] tbody tr[data-key="${cluster.head.nodeId}"]`, { hasText: 'head' }).waitFor({ timeout: 30_000 });
  assert.equal(await nodes.count(), 2);
  await screenshot(page, 'dashboard-head');

  await page.click('nav a[data-view=tasks]');
  await page.locator('[data-testid=tasks-table] tbody tr[data-name=dashboardSleep][data-state=RUNNING]').waitFor({ timeout: 30_000 });
  await page.click('nav a[data-view=actors]');
  await page.locator('[data-testid=actors-table] tbody tr[data-class=DashboardProbe][data-state=ALIVE]').waitFor({ timeout: 30_000 });

  await page.click('nav a[data-view=jobs]');
  await page.locator('[data-testid=jobs-table] tbody tr[data-key=dashboard-job][data-state=SUCCEEDED]').click({ timeout: 60_000 });
  await page.locator('[data-testid=log-text]', { hasText: 'hello from the dashboard job' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'dashboard-head-job');
  assert.deepEqual(errors, []);
  ray.cancel(running, { force: true });
  ray.kill(probe);
});
