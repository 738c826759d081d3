import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MemoryStore } from '../gcs/store.js';
import type { GcsPeer } from '../gcs/gcs-server.js';
import { packWorkingDir } from '../runtime-env/working-dir.js';
import { JobManager, type JobHead } from './job-manager.js';
import { completeUtf8Length, readLogChunk } from './job-logs.js';
import type { JobInfo } from './job-types.js';

type Msg = Record<string, any> & { t: string };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ray-ts-jobs-'));
  dirs.push(d);
  return d;
}

/** A head service with a KV map and a memory store, and the job requests registered on it. */
function fakeHead(opts: { stopGraceMs?: number; store?: MemoryStore } = {}) {
  const kv = new Map<string, Uint8Array>();
  const store = opts.store ?? new MemoryStore();
  const handlers = new Map<string, (peer: GcsPeer, m: Msg) => unknown>();
  const peer: GcsPeer = { id: 'cli', send: () => {} };
  const head = {
    handlers,
    store,
    async handle(p: GcsPeer, m: Msg): Promise<Record<string, unknown> | undefined> {
      if (m.t === 'gcs.kvGet') return { value: kv.get(m.key) ?? null };
      if (m.t === 'gcs.kvExists') return { exists: kv.has(m.key) };
      return (await handlers.get(m.t)!(p, m)) as Record<string, unknown>;
    },
  };
  const sessionDir = tempDir();
  const jobs = new JobManager(head as unknown as JobHead, { address: '127.0.0.1:1', token: 'tok', sessionDir, stopGraceMs: opts.stopGraceMs });
  const call = (t: string, fields: Record<string, unknown> = {}) => head.handle(peer, { t, ...fields }) as Promise<Record<string, any>>;
  const waitEnd = async (id: string, ms = 10_000): Promise<JobInfo> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const { job } = await call('gcs.jobStatus', { submissionId: id });
      if (['SUCCEEDED', 'FAILED', 'STOPPED'].includes(job.status)) return job as JobInfo;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const allLogs = async (id: string) => {
    let out = '';
    let offset = 0;
    for (;;) {
      const c = await call('gcs.jobLogs', { submissionId: id, offset });
      out += c.data;
      offset = c.offset;
      if (c.done) return out;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { jobs, kv, store, sessionDir, call, waitEnd, allLogs };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('JobManager', () => {
  test('runs a driver: RUNNING then SUCCEEDED, stdout and stderr in its log, the record in the store', async () => {
    const h = fakeHead();
    const { submissionId } = await h.call('gcs.jobSubmit', { entrypoint: ['node', '-e', "console.log('out'); console.error('err')"] });
    assert.match(submissionId, /^raysubmit_[A-Za-z0-9]{16}$/);
    const job = await h.waitEnd(submissionId);
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.driverExitCode, 0);
    assert.ok(job.endTime! >= job.startTime);
    assert.equal(await h.allLogs(submissionId), 'out\nerr\n');
    assert.equal((await h.store.get<JobInfo>('jobs', submissionId))?.status, 'SUCCEEDED');
    assert.deepEqual((await h.call('gcs.jobList')).jobs.map((j: JobInfo) => j.submissionId), [submissionId]);
  });

  test('a non-zero exit is FAILED with the code; a missing command is FAILED with the reason in the log', async () => {
    const h = fakeHead();
    const { submissionId } = await h.call('gcs.jobSubmit', { entrypoint: ['node', '-e', 'process.exit(3)'], submissionId: 'exit3' });
    assert.equal(submissionId, 'exit3');
    const job = await h.waitEnd('exit3');
    assert.equal(job.status, 'FAILED');
    assert.equal(job.driverExitCode, 3);
    assert.match(job.message!, /exited with code 3/);
    await h.call('gcs.jobSubmit', { entrypoint: ['no-such-command-ray-ts'], submissionId: 'enoent' });
    assert.match((await h.waitEnd('enoent')).message!, /ENOENT/);
    assert.match(await h.allLogs('enoent'), /cannot run "no-such-command-ray-ts"/);
  });

  test('bad requests are answered with errors that name the field', async () => {
    const h = fakeHead();
    assert.match((await h.call('gcs.jobSubmit', { entrypoint: [] })).error, /entrypoint must be a command/);
    assert.match((await h.call('gcs.jobSubmit', { entrypoint: ['node'], submissionId: '../x' })).error, /submissionId must be/);
    assert.match((await h.call('gcs.jobSubmit', { entrypoint: ['node'], envVars: { A: 1 } })).error, /envVars\.A must be a string/);
    assert.match((await h.call('gcs.jobSubmit', { entrypoint: ['node'], workingDir: 'wd://' + 'a'.repeat(32) + '.tar.gz' })).error, /not in the head's store/);
    assert.match((await h.call('gcs.jobStatus', { submissionId: 'nope' })).error, /No job with submission id 'nope'/);
    assert.match((await h.call('gcs.jobLogs', { submissionId: 'nope', offset: 0 })).error, /No job/);
    await h.call('gcs.jobSubmit', { entrypoint: ['node', '-e', '0'], submissionId: 'twice' });
    assert.match((await h.call('gcs.jobSubmit', { entrypoint: ['node', '-e', '0'], submissionId: 'twice' })).error, /exists already/);
    assert.match((await h.call('gcs.jobLogs', { submissionId: 'twice', offset: -1 })).error, /offset must be/);
    await h.waitEnd('twice');
  });

  test('runs from the unpacked working directory with the cluster address, token and runtime env', async () => {
    const h = fakeHead();
    const app = tempDir();
    writeFileSync(join(app, 'main.mjs'), 'console.log(JSON.stringify({ cwd: process.cwd(), env: process.env.RAY_TS_JOB_RUNTIME_ENV, address: process.env.RAY_TS_ADDRESS, token: process.env.RAY_TS_CLUSTER_TOKEN, id: process.env.RAY_TS_JOB_SUBMISSION_ID, a: process.env.A }))');
    const packed = await packWorkingDir(app);
    h.kv.set(packed.uri, packed.bytes);
    await h.call('gcs.jobSubmit', { entrypoint: ['node', 'main.mjs'], workingDir: packed.uri, envVars: { A: 'x' }, submissionId: 'wd' });
    assert.equal((await h.waitEnd('wd')).status, 'SUCCEEDED');
    const out = JSON.parse(await h.allLogs('wd'));
    assert.equal(out.cwd, join(realpathSync(h.sessionDir), 'runtime_resources', 'working_dir', packed.uri.slice(5, 37)));
    assert.deepEqual(JSON.parse(out.env), { envVars: { A: 'x' }, workingDir: packed.uri, workingDirRoot: pathToFileURL(out.cwd).href });
    assert.deepEqual([out.address, out.token, out.id, out.a], ['127.0.0.1:1', 'tok', 'wd', 'x']);
  });

  test('stop: SIGTERM to the group, SIGKILL after the grace, STOPPED; a second stop has nothing to do', async () => {
    const h = fakeHead({ stopGraceMs: 300 });
    const script = "process.on('SIGTERM', () => console.log('term')); console.log('up'); setInterval(() => {}, 1000)";
    await h.call('gcs.jobSubmit', { entrypoint: ['node', '-e', script], submissionId: 'long' });
    const deadline = Date.now() + 10_000;
    while (!(await h.call('gcs.jobLogs', { submissionId: 'long', offset: 0 })).data.includes('up')) {
      assert.ok(Date.now() < deadline, 'driver did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const pid = (await h.call('gcs.jobStatus', { submissionId: 'long' })).job.driverPid as number;
    assert.deepEqual(await h.call('gcs.jobStop', { submissionId: 'long' }), { stopped: true, status: 'RUNNING' });
    const job = await h.waitEnd('long');
    assert.equal(job.status, 'STOPPED');
    assert.equal(job.driverExitCode, null);
    assert.ok(!alive(pid));
    assert.match(await h.allLogs('long'), /up\nterm\n/);
    assert.deepEqual(await h.call('gcs.jobStop', { submissionId: 'long' }), { stopped: false, status: 'STOPPED' });
  });

  test('recover: a running job whose driver is gone fails; one whose driver lives is watched until it exits', async () => {
    const store = new MemoryStore();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const base = { entrypoint: ['node', 'x.js'], startTime: Date.now() };
    await store.put('jobs', 'gone', { ...base, submissionId: 'gone', status: 'RUNNING', driverPid: 2 ** 22 + 12345 });
    await store.put('jobs', 'lives', { ...base, submissionId: 'lives', status: 'RUNNING', driverPid: sleeper.pid });
    await store.put('jobs', 'done', { ...base, submissionId: 'done', status: 'SUCCEEDED', driverExitCode: 0 });
    const h = fakeHead({ store });
    await h.jobs.recover();
    const get = async (id: string) => (await h.call('gcs.jobStatus', { submissionId: id })).job as JobInfo;
    assert.equal((await get('gone')).status, 'FAILED');
    assert.match((await get('gone')).message!, /head restarted/);
    assert.equal((await get('done')).status, 'SUCCEEDED');
    assert.equal((await get('lives')).status, 'RUNNING');
    sleeper.kill('SIGKILL');
    const job = await h.waitEnd('lives', 5000);
    assert.equal(job.status, 'FAILED');
    assert.match(job.message!, /exit code is unknown/);
    assert.equal((await store.get<JobInfo>('jobs', 'lives'))?.status, 'FAILED');
  });
});

describe('job logs', () => {
  test('a read never ends inside a UTF-8 character unless the log is final', () => {
    const d = tempDir();
    mkdirSync(d, { recursive: true });
    const f = join(d, 'log');
    const text = 'aé€😀';
    writeFileSync(f, text);
    const bytes = Buffer.from(text);
    for (let n = 0; n <= bytes.length; n++) {
      const c = readLogChunk(f, 0, false, n);
      assert.equal(Buffer.from(c.data).length, c.offset);
      assert.ok(text.startsWith(c.data), `n=${n}: ${c.data}`);
    }
    assert.equal(completeUtf8Length(bytes, 2), 1); // 'a' + half of 'é'
    assert.equal(completeUtf8Length(bytes, bytes.length), bytes.length);
    const rest = readLogChunk(f, 1, false);
    assert.deepEqual(rest, { data: 'é€😀', offset: bytes.length, atEnd: true });
    assert.deepEqual(readLogChunk(join(d, 'missing'), 5, false), { data: '', offset: 5, atEnd: true });
  });
});
