// `ray-ts job`: drivers submitted to a real 3-node cluster through the CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startCluster, waitFor, type TestCluster } from './harness.js';

const CLI = 'packages/core/bin/ray-ts.mjs';
let cluster: TestCluster;
/** Processes started by the stop test, killed at the end whatever happens (they ignore SIGTERM). */
const stubborn: number[] = [];

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 1 }, { cpus: 1 }]);
});
after(async () => {
  await cluster?.stop();
  for (const pid of stubborn) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone, as it should be */
    }
  }
});

/** Runs `ray-ts job ...` against the test cluster; never throws on a non-zero exit. */
function job(args: string[], token = cluster.token): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, RAY_TS_CLUSTER_TOKEN: token, RAY_TS_HOST_ID: 'cli-host' };
    delete env.RAY_TS_ADDRESS;
    execFile(process.execPath, [CLI, 'job', ...args], { env, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const at = () => ['--address', cluster.address];

/** Gone, or a zombie waiting for a reaper that never comes (PID 1 of a container may not reap). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z');
  } catch {
    return true;
  }
}

test('job submit --working-dir runs the driver on the cluster, streams its logs and exits 0', { timeout: 120_000 }, async () => {
  const r = await job([
    'submit', ...at(), '--working-dir', 'test/fixtures/job-app', '--submission-id', 'job-ok',
    '--', 'node', '--conditions=development', '--import', 'tsx', 'driver.ts',
  ]);
  assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  const m = /job-app: hello from the job app; 6 tasks on (\d) nodes read 'hello from the job app' \(job job-ok\)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) >= 2, `tasks ran on ${m[1]} node(s)`);
  assert.match(r.stderr, /Job 'job-ok' succeeded/);

  const status = await job(['status', ...at(), 'job-ok']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /Status: SUCCEEDED/);
  const info = JSON.parse((await job(['status', ...at(), 'job-ok', '--json'])).stdout);
  assert.equal(info.driverExitCode, 0);
  assert.match(info.workingDir, /^wd:\/\/[0-9a-f]{32}\.tar\.gz$/);

  const list = await job(['list', ...at(), '--json']);
  const jobs = JSON.parse(list.stdout) as Array<{ submissionId: string; status: string }>;
  assert.deepEqual(jobs.find((j) => j.submissionId === 'job-ok')?.status, 'SUCCEEDED');
  assert.match((await job(['list', ...at()])).stdout, /job-ok\s+SUCCEEDED/);

  const logs = await job(['logs', ...at(), 'job-ok']);
  assert.equal(logs.code, 0);
  assert.match(logs.stdout, /job-app: hello from the job app/);

  const again = await job(['submit', ...at(), '--submission-id', 'job-ok', '--', 'node', '-e', '0']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists already/);
});

test('a failing driver gives FAILED with its exit code, and the CLI exits 1', { timeout: 60_000 }, async () => {
  const r = await job(['submit', ...at(), '--submission-id', 'job-fail', '--', 'node', '-e', "console.log('about to fail'); process.exit(3)"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /about to fail/);
  assert.match(r.stderr, /Job 'job-fail' failed \(the driver exited with code 3\)/);
  const info = JSON.parse((await job(['status', ...at(), 'job-fail', '--json'])).stdout);
  assert.equal(info.status, 'FAILED');
  assert.equal(info.driverExitCode, 3);

  const missing = await job(['submit', ...at(), '--submission-id', 'job-enoent', '--', 'no-such-command-ray-ts']);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout + missing.stderr, /ENOENT/);
});

test('job stop ends a running job and everything it started (SIGKILL after the SIGTERM grace)', { timeout: 60_000 }, async () => {
  // The driver and its child both ignore SIGTERM, so only the group's SIGKILL ends them.
  const script = [
    "const { spawn } = require('node:child_process');",
    "const c = spawn(process.execPath, ['-e', \"process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)\"], { stdio: 'ignore' });",
    "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));",
    'console.log(`ready ${process.pid} ${c.pid}`);',
    'setInterval(() => {}, 1000);',
  ].join('\n');
  const sub = await job(['submit', ...at(), '--no-wait', '--submission-id', 'job-long', '--', 'node', '-e', script]);
  assert.equal(sub.code, 0, sub.stderr);
  assert.equal(sub.stdout.trim(), 'job-long');
  let pids: number[] = [];
  await waitFor(async () => {
    const m = /ready (\d+) (\d+)/.exec((await job(['logs', ...at(), 'job-long'])).stdout);
    if (m) stubborn.push(...(pids = [Number(m[1]), Number(m[2])]));
    return !!m;
  }, 20_000, 'the driver to start');
  assert.match((await job(['status', ...at(), 'job-long'])).stdout, /Status: RUNNING/);

  const t0 = Date.now();
  const stop = await job(['stop', ...at(), 'job-long']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /Job 'job-long' was stopped/);
  assert.ok(Date.now() - t0 >= 2500, 'the driver ignored SIGTERM: it ends at the SIGKILL');
  const info = JSON.parse((await job(['status', ...at(), 'job-long', '--json'])).stdout);
  assert.equal(info.status, 'STOPPED');
  assert.equal(info.driverPid, pids[0]);
  await waitFor(() => pids.every(gone), 10_000, 'the driver and its child to be gone');
  stubborn.length = 0;
  assert.match((await job(['logs', ...at(), 'job-long'])).stdout, /ignoring SIGTERM/);
  assert.match((await job(['stop', ...at(), 'job-long'])).stdout, /was stopped.*nothing to stop/);
});

test('any node takes job requests; a wrong token is refused; unknown jobs are named', { timeout: 30_000 }, async () => {
  const viaWorker = await job(['list', '--address', cluster.nodes[0]!.address, '--json']);
  assert.equal(viaWorker.code, 0, viaWorker.stderr);
  assert.ok((JSON.parse(viaWorker.stdout) as Array<{ submissionId: string }>).some((j) => j.submissionId === 'job-ok'));
  const r = await job(['list', ...at(), '--token', 'not-the-token']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /refused the connection: wrong or missing cluster token/);
  const sub = await job(['submit', ...at(), '--token', 'not-the-token', '--', 'node', '-e', '0']);
  assert.equal(sub.code, 1);
  const unknown = await job(['status', ...at(), 'no-such-job']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No job with submission id 'no-such-job'/);
});
