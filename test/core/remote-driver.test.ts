import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ray from '@ray-ts/core';
import * as defs from '../fixtures/core-defs.js';

const run = promisify(execFile);
const cli = ['--conditions=development', '--import', 'tsx', 'packages/core/bin/ray-ts.mjs'];
const tempDir = mkdtempSync(join(tmpdir(), 'ray-ts-head-'));
let address = '';

before(async () => {
  const { stdout } = await run(process.execPath, [...cli, 'start', '--head', '--port', '0', '--num-cpus', '2', '--temp-dir', tempDir], { timeout: 60_000 });
  address = /started at (\S+)/.exec(stdout)![1]!;
});
after(async () => {
  ray.shutdown();
  await run(process.execPath, [...cli, 'stop', '--temp-dir', tempDir], { timeout: 30_000 });
});

test('a driver attaches to a node started with `ray-ts start --head` (token from the local head)', async () => {
  const info = await ray.init({ address: 'auto', tempDir });
  assert.equal(info.resources.CPU, 2);
  assert.deepEqual(await ray.get([1, 2, 3].map((x) => defs.square.remote(x))), [1, 4, 9]);
  const c = defs.RemoteCounter.remote();
  assert.equal(await ray.get(c.inc.remote(5)), 5);
  const arr = new Float64Array(1 << 20).fill(1);
  assert.equal(await ray.get(defs.sumArray.remote(ray.put(arr))), 1 << 20);
  ray.shutdown();
});

test('a driver on "another machine" (no shared /dev/shm) sends and receives values inline over TCP', async () => {
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', 'test/fixtures/remote-driver.ts'], {
    env: { ...process.env, TEST_ADDRESS: address, TEST_TEMP_DIR: tempDir, RAY_TS_HOST_ID: 'another-machine' },
    timeout: 60_000,
  });
  const out = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.deepEqual(out, { sum: 2.5 * (1 << 20), back: 1 << 18, first: 4, squares: [4, 9] });
  // The detached named actor outlives that driver.
  const { stdout: status } = await run(process.execPath, [...cli, 'status', '--temp-dir', tempDir], { timeout: 30_000 });
  assert.match(status, /Actors: [1-9]\d* alive/);
});

test('a client with a wrong token is refused and nothing runs', async () => {
  await assert.rejects(ray.init({ address, token: 'not-the-token', tempDir }), ray.AuthenticationError);
  assert.equal(ray.isInitialized(), false);
  const { stdout } = await run(process.execPath, [...cli, 'status', '--json', '--temp-dir', tempDir], { timeout: 30_000 });
  assert.equal(JSON.parse(stdout).runningTasks, 0);
  const log = readFileSync(join(tempDir, 'node.log'), 'utf8');
  assert.match(log, /wrong or missing cluster token/);
});

test('ray-ts stop stops the node and removes its head file', async () => {
  await run(process.execPath, [...cli, 'stop', '--temp-dir', tempDir], { timeout: 30_000 });
  assert.ok(!existsSync(join(tempDir, 'head.json')));
  await assert.rejects(ray.init({ address, tempDir, token: 'x' }), ray.RaySystemError);
});
