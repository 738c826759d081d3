import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ray from '@ray-ts/core';

const driver = `
import * as ray from '@ray-ts/core';
const info = await ray.init({ numCpus: 1, tempDir: process.env.TMPROOT });
const ref = ray.put(new Uint8Array(1 << 20));
console.log(JSON.stringify({ sessionDir: info.sessionDir, nodeId: info.nodeId }));
setInterval(() => void ref, 1000);
`;

function startDriver(root: string): Promise<{ child: ReturnType<typeof spawn>; info: { sessionDir: string; nodeId: string } }> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '-e', driver], {
    env: { ...process.env, TMPROOT: root },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ child, info: JSON.parse(d.toString()) }));
    child.once('exit', (c) => reject(new Error(`driver exited ${c}`)));
  });
}

const segments = (nodeId: string) => readdirSync('/dev/shm').filter((f) => f.startsWith(`rts-${nodeId}-`));

test('Ctrl-C (SIGINT) on a driver removes its shared memory, session and workers', { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'ray-ts-sess-'));
  const { child, info } = await startDriver(root);
  assert.ok(segments(info.nodeId).length > 0);
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  assert.equal(segments(info.nodeId).length, 0);
  assert.ok(!existsSync(info.sessionDir));
});

test('a driver killed with SIGKILL is cleaned up by the next init()', { timeout: 60_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'ray-ts-sess-'));
  const { child, info } = await startDriver(root);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(segments(info.nodeId).length > 0, 'left behind by SIGKILL');
  await ray.init({ numCpus: 1, tempDir: root });
  ray.shutdown();
  assert.equal(segments(info.nodeId).length, 0);
  assert.ok(!existsSync(info.sessionDir));
});
