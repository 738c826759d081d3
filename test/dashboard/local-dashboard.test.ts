// The dashboard of the embedded local cluster (`ray.init()`), in headless Chromium, while a workload runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import * as defs from '../fixtures/dashboard-defs.js';
import { DashGreeter } from '../fixtures/dashboard-serve-defs.js';
import { openPage, screenshot, type TestPage } from './browser.js';

let info: ray.InitInfo;
let tp: TestPage | undefined;

before(async () => {
  info = await ray.init({ numCpus: 2 });
});
after(async () => {
  await tp?.close();
  await serve.shutdown().catch(() => {});
  ray.shutdown();
});

test('init() returns the dashboard URL; / serves the page and its files, the API stays under /api/v0', async () => {
  assert.match(info.dashboardUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await fetch(info.dashboardUrl!);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.match(await page.text(), /<script type="module" src="app.js">/);
  assert.match((await fetch(new URL('app.js', info.dashboardUrl)).then((r) => r.headers.get('content-type'))) ?? '', /javascript/);
  for (const p of ['nope.js', '%2e%2e/package.json', 'api/v0/nope']) assert.equal((await fetch(new URL(p, info.dashboardUrl))).status, 404, p);
  assert.equal((await fetch(new URL('api/v0/nodes', info.dashboardUrl))).status, 200);
});

test('the page shows the node, a running task and an actor, live, without console errors', { timeout: 120_000 }, async () => {
  const running = defs.dashboardSleep.remote(60_000);
  const probe = defs.RemoteProbe.remote();
  const pid = await ray.get(probe.hello.remote());
  tp = await openPage();
  const { page, errors } = tp;
  await page.goto(info.dashboardUrl!);

  // Overview: the node with its resources, and the task counts.
  const nodeRow = page.locator(`[data-testid=nodes-table] tbody tr[data-key="${info.nodeId}"][data-state=ALIVE]`);
  await nodeRow.waitFor({ timeout: 30_000 });
  assert.match(await nodeRow.innerText(), /\/ 2\b/, 'CPU used / total');
  await page.locator('[data-testid=tasks-by-function] tbody tr', { hasText: 'dashboardSleep' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'dashboard');

  // Tasks: the long task RUNNING, on this node, with a worker pid.
  await page.click('nav a[data-view=tasks]');
  const task = page.locator('[data-testid=tasks-table] tbody tr[data-name=dashboardSleep][data-state=RUNNING]');
  await task.waitFor({ timeout: 30_000 });
  assert.match(await task.innerText(), /pid \d+/);
  await screenshot(page, 'dashboard-tasks');

  // Actors: ALIVE, with the pid the actor reported; its pid links to its log.
  await page.click('nav a[data-view=actors]');
  const actor = page.locator('[data-testid=actors-table] tbody tr[data-class=DashboardProbe][data-state=ALIVE]');
  await actor.waitFor({ timeout: 30_000 });
  assert.match(await actor.innerText(), new RegExp(`\\b${pid}\\b`));
  await actor.locator(`a:text-is("${pid}")`).click();
  await page.locator('[data-testid=log-text]', { hasText: 'probe says hi' }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'dashboard-logs');

  // The other views render from the live API.
  for (const view of ['nodes', 'objects', 'placement-groups', 'jobs', 'serve']) {
    await page.click(`nav a[data-view=${view}]`);
    await page.locator(`main[data-view=${view}] .poll-note`, { hasText: 'live' }).first().waitFor({ timeout: 30_000 });
  }
  await page.locator('[data-testid=serve]', { hasText: 'No Serve controller is running' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
  ray.cancel(running, { force: true });
  ray.kill(probe);
});

test('the Serve view lists an application with its deployment and replicas', { timeout: 120_000 }, async () => {
  await serve.run(DashGreeter.bind(), { name: 'greet', routePrefix: '/greet', port: 0 });
  tp ??= await openPage();
  const { page, errors } = tp;
  await page.goto(new URL('#/serve', info.dashboardUrl).href);
  const app = page.locator('[data-testid=serve-app]', { hasText: 'greet' });
  await app.locator('tbody tr[data-key=DashGreeter]', { hasText: /ALIVE\s*2/ }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'dashboard-serve');
  await serve.shutdown();
  await page.locator('[data-testid=serve]', { hasText: 'No Serve controller is running' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, []);
});
