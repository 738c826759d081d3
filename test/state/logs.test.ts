import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const args = ['--conditions=development', '--import', 'tsx', 'test/fixtures/log-driver.ts'];

test('worker output reaches the driver with a (fn pid=...) prefix, deduplicated across workers', { timeout: 90_000 }, async () => {
  const { stdout } = await run(process.execPath, args, { timeout: 60_000, env: { ...process.env, RAY_TS_LOG_DEDUP_WINDOW_MS: '60000' } });
  const lines = stdout.split('\n').filter((l) => l.includes('same line from every worker'));
  assert.ok(lines.length >= 1);
  assert.match(lines[0]!, /^\(hit pid=\d+\) same line from every worker$/);
  const pids = new Set(lines.map((l) => /pid=(\d+)/.exec(l)![1]));
  if (lines.length < 6) assert.ok(lines.some((l) => /\[repeated \d+x across cluster\]$/.test(l)), stdout);
  assert.ok(pids.size >= 1);
});

test('RAY_TS_DEDUP_LOGS=0 prints every line', { timeout: 90_000 }, async () => {
  const { stdout } = await run(process.execPath, args, { timeout: 60_000, env: { ...process.env, RAY_TS_DEDUP_LOGS: '0' } });
  const lines = stdout.split('\n').filter((l) => l.includes('same line from every worker'));
  assert.equal(lines.length, 6);
  assert.ok(lines.every((l) => !l.includes('repeated')));
});
