import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CallbackIOError, Checkpoint } from '../src/checkpoint/index.js';
import { CsvLoggerCallback, JsonLoggerCallback, MLflowLoggerCallback, type TrainCallback } from '../src/callbacks/index.js';
import { RunStorage } from '../src/storage/index.js';
import { startS3rver, type S3Fixture } from './helpers/s3rver.js';
import { tempDirs } from './helpers/tree.js';

const config = { lr: 0.1, model: { layers: [4, 2], act: 'relu' } };
const reports = [
  { metrics: { loss: 1.5, val: { acc: 0.5 } }, iteration: 1, timestamp: 1000 },
  { metrics: { loss: 1.0, val: { acc: 0.6 }, note: 'a,"b"' }, iteration: 2, timestamp: 2000 },
  { metrics: { loss: 0.5, val: { acc: 0.7 } }, iteration: 3, timestamp: 3000 },
];

async function drive(cb: TrainCallback, path: string, extra: { s3?: object; error?: Error } = {}): Promise<void> {
  await cb.setup?.({ name: 'run1', path, config, ...(extra.s3 ? { s3: extra.s3 } : {}) });
  for (const r of reports) await cb.onReport?.(r);
  await cb.teardown?.(extra.error ? { error: extra.error } : { metrics: reports[2]!.metrics });
}

for (const where of ['local', 's3'] as const) {
  describe(`file loggers (${where})`, () => {
    const t = tempDirs();
    let fx: S3Fixture | undefined;
    let storage: RunStorage;
    before(async () => {
      if (where === 's3') fx = await startS3rver();
      storage = fx ? new RunStorage(`s3://${fx.bucket}/logs/run1`, fx.s3) : new RunStorage(join(t.make(), 'run1'));
    });
    after(async () => {
      await fx?.close();
      t.cleanup();
    });
    const text = async (name: string) => Buffer.from(await storage.readFile(name)).toString('utf8');

    it('JsonLoggerCallback writes params.json and one line per report (appending on resume)', async () => {
      await drive(new JsonLoggerCallback(), storage.root, { s3: storage.s3 });
      assert.deepEqual(await storage.readJson('params.json'), config);
      const lines = (await text('result.json')).trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines[0], { loss: 1.5, val: { acc: 0.5 }, training_iteration: 1, timestamp: 1000 });
      assert.equal(lines.length, 3);
      const cb = new JsonLoggerCallback({ s3: storage.s3 });
      await cb.setup({ name: 'run1', path: storage.root, config });
      await cb.onReport({ metrics: { loss: 0.1, big: 2n ** 70n, nan: NaN }, iteration: 4, timestamp: 4000, checkpoint: Checkpoint.fromDirectory('/x/checkpoint_000003') });
      const all = (await text('result.json')).trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(all.length, 4);
      assert.deepEqual(all[3], { loss: 0.1, big: '1180591620717411303424', nan: null, training_iteration: 4, timestamp: 4000, checkpoint_dir_name: 'checkpoint_000003' });
      assert.equal(cb.failures, 0);
    });

    it('CsvLoggerCallback flattens keys and widens the header for new keys', async () => {
      await drive(new CsvLoggerCallback({ s3: storage.s3 }), storage.root);
      assert.equal(await text('progress.csv'), [
        'loss,val/acc,training_iteration,timestamp,note',
        '1.5,0.5,1,1000,',
        '1,0.6,2,2000,"a,""b"""',
        '0.5,0.7,3,3000,',
        '',
      ].join('\n'));
      const cb = new CsvLoggerCallback({ s3: storage.s3 });
      await cb.setup({ name: 'run1', path: storage.root, config });
      await cb.onReport({ metrics: { loss: 0.25, val: { acc: 0.8 } }, iteration: 4, timestamp: 4000 });
      assert.match(await text('progress.csv'), /0\.5,0\.7,3,3000,\n0\.25,0\.8,4,4000,\n$/);
    });
  });
}

describe('logger I/O failures', () => {
  const t = tempDirs();
  after(() => t.cleanup());
  it('never throw; warn once with CallbackIOError', async () => {
    const file = join(t.make(), 'a-file');
    writeFileSync(file, 'x'); // the run "directory" is a file: every write fails
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const cb = new JsonLoggerCallback();
      await drive(cb, join(file, 'run'));
      await new Promise((r) => setImmediate(r));
      assert.ok(cb.failures >= 2);
      const ours = warnings.filter((w) => w instanceof CallbackIOError);
      assert.equal(ours.length, 1);
      assert.equal((ours[0] as CallbackIOError).callback, 'JsonLoggerCallback');
    } finally {
      process.off('warning', onWarning);
    }
    assert.throws(() => new CsvLoggerCallback({ s3: 5 as never }), TypeError);
  });
});

/**
 * A loopback stand-in for an MLflow tracking server. It implements only the REST API 2.0
 * endpoints the logger uses and ASSERTS that each request follows the documented API
 * (https://mlflow.org/docs/latest/rest-api.html): method, path under /api/2.0/mlflow/,
 * JSON body field names and types. Violations are collected and fail the test.
 */
function fakeMlflow(): Promise<{ url: string; server: Server; calls: Array<{ path: string; body: any }>; violations: string[]; artifacts: Map<string, Buffer>; experiments: Map<string, string> }> {
  const calls: Array<{ path: string; body: any }> = [];
  const violations: string[] = [];
  const artifacts = new Map<string, Buffer>();
  const experiments = new Map<string, string>();
  const check = (ok: boolean, what: string) => void (ok || violations.push(what));
  const isStr = (x: unknown) => typeof x === 'string';
  const isInt = (x: unknown) => Number.isInteger(x);
  const kvList = (x: unknown, where: string) => {
    check(Array.isArray(x), `${where} is an array`);
    for (const kv of (x as any[]) ?? []) check(isStr(kv.key) && isStr(kv.value), `${where}[] are {key: string, value: string}`);
  };
  const read = (req: IncomingMessage) => new Promise<Buffer>((res) => { const c: Buffer[] = []; req.on('data', (d) => c.push(d)); req.on('end', () => res(Buffer.concat(c))); });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    const raw = await read(req);
    const send = (status: number, body: object) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (url.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
      check(req.method === 'PUT', 'artifact upload is PUT');
      artifacts.set(decodeURIComponent(url.pathname.slice('/api/2.0/mlflow-artifacts/artifacts/'.length)), raw);
      return send(200, {});
    }
    const path = url.pathname.replace('/api/2.0/mlflow/', '');
    check(url.pathname.startsWith('/api/2.0/mlflow/'), `path ${url.pathname} is under /api/2.0/mlflow/`);
    const body = req.method === 'POST' ? JSON.parse(raw.toString() || '{}') : Object.fromEntries(url.searchParams);
    if (req.method === 'POST') check(/application\/json/.test(req.headers['content-type'] ?? ''), `${path} sends JSON`);
    calls.push({ path, body });
    switch (`${req.method} ${path}`) {
      case 'GET experiments/get-by-name': {
        check(isStr(body.experiment_name), 'get-by-name has experiment_name');
        const id = experiments.get(body.experiment_name);
        return id ? send(200, { experiment: { experiment_id: id, name: body.experiment_name } })
          : send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no experiment' });
      }
      case 'POST experiments/create': {
        check(isStr(body.name), 'experiments/create has name: string');
        const id = String(experiments.size + 1);
        experiments.set(body.name, id);
        return send(200, { experiment_id: id });
      }
      case 'POST runs/create':
        check(isStr(body.experiment_id) && isStr(body.run_name) && isInt(body.start_time), 'runs/create {experiment_id: string, run_name: string, start_time: int}');
        kvList(body.tags, 'runs/create tags');
        return send(200, { run: { info: { run_id: 'r1', experiment_id: body.experiment_id, status: 'RUNNING', artifact_uri: `mlflow-artifacts:/${body.experiment_id}/r1/artifacts` }, data: {} } });
      case 'POST runs/log-batch':
        check(body.run_id === 'r1', 'log-batch run_id');
        for (const m of body.metrics ?? []) {
          check(isStr(m.key) && typeof m.value === 'number' && isInt(m.timestamp) && isInt(m.step), 'metrics[] are {key, value: number, timestamp: int, step: int}');
        }
        kvList(body.params ?? [], 'log-batch params');
        kvList(body.tags ?? [], 'log-batch tags');
        return send(200, {});
      case 'POST runs/update':
        check(body.run_id === 'r1' && ['FINISHED', 'FAILED', 'KILLED', 'RUNNING', 'SCHEDULED'].includes(body.status) && isInt(body.end_time), 'runs/update {run_id, status: RunStatus, end_time: int}');
        return send(200, { run_info: { run_id: 'r1', status: body.status } });
      default:
        violations.push(`unexpected ${req.method} ${url.pathname}`);
        return send(404, { error_code: 'ENDPOINT_NOT_FOUND' });
    }
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, calls, violations, artifacts, experiments,
  })));
}

describe('MLflowLoggerCallback (against a REST-API-checking loopback server)', () => {
  const t = tempDirs();
  let mlf: Awaited<ReturnType<typeof fakeMlflow>>;
  before(async () => (mlf = await fakeMlflow()));
  after(async () => {
    await new Promise((r) => mlf.server.close(r));
    t.cleanup();
  });

  it('creates experiment and run, logs params, metrics by step, artifacts, finishes', async () => {
    const dir = t.make();
    writeFileSync(join(dir, 'result.json'), '{}\n');
    const cb = new MLflowLoggerCallback({ trackingUri: mlf.url, experimentName: 'exp', tags: { team: 'ml' }, saveArtifact: true }, {});
    await drive(cb, dir);
    assert.deepEqual(mlf.violations, []);
    assert.deepEqual(mlf.calls.map((c) => c.path), [
      'experiments/get-by-name', 'experiments/create', 'runs/create', 'runs/log-batch',
      'runs/log-batch', 'runs/log-batch', 'runs/log-batch', 'runs/update',
    ]);
    assert.deepEqual(mlf.calls[2]!.body.tags, [{ key: 'team', value: 'ml' }]);
    assert.equal(mlf.calls[2]!.body.run_name, 'run1');
    assert.deepEqual(mlf.calls[3]!.body.params, [
      { key: 'lr', value: '0.1' }, { key: 'model/layers', value: '[4,2]' }, { key: 'model/act', value: 'relu' },
    ]);
    assert.deepEqual(mlf.calls[5]!.body.metrics, [
      { key: 'loss', value: 1, timestamp: 2000, step: 2 }, { key: 'val/acc', value: 0.6, timestamp: 2000, step: 2 },
    ]);
    assert.equal(mlf.calls[7]!.body.status, 'FINISHED');
    assert.equal(mlf.artifacts.get('1/r1/artifacts/result.json')?.toString(), '{}\n');
  });

  it('reuses the experiment and marks a failed run FAILED', async () => {
    mlf.calls.length = 0;
    const cb = new MLflowLoggerCallback({ trackingUri: mlf.url, experimentName: 'exp', runName: 'named' }, {});
    await drive(cb, t.make(), { error: new Error('boom') });
    assert.deepEqual(mlf.violations, []);
    assert.equal(mlf.calls.filter((c) => c.path === 'experiments/create').length, 0);
    assert.equal(mlf.calls.find((c) => c.path === 'runs/create')!.body.run_name, 'named');
    assert.equal(mlf.calls.at(-1)!.body.status, 'FAILED');
  });

  it('validates options and survives an unreachable server', async () => {
    assert.throws(() => new MLflowLoggerCallback({}, {}), (e: Error) => e.constructor === TypeError && /trackingUri/.test(e.message));
    assert.throws(() => new MLflowLoggerCallback({ trackingUri: 'file:///tmp/mlruns' }, {}), (e: Error) => e.constructor === RangeError && /trackingUri/.test(e.message));
    assert.throws(() => new MLflowLoggerCallback({ trackingUri: mlf.url, tags: { a: 1 as never } }, {}), (e: Error) => e.constructor === TypeError && /options\.tags/.test(e.message));
    assert.equal(new MLflowLoggerCallback({}, { MLFLOW_TRACKING_URI: mlf.url }).options.experimentName, 'Default');
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const cb = new MLflowLoggerCallback({ trackingUri: 'http://127.0.0.1:9', experimentName: 'e' }, {});
      await drive(cb, t.make());
      await new Promise((r) => setImmediate(r));
      assert.equal(cb.runId, undefined);
      assert.equal(warnings.filter((w) => w instanceof CallbackIOError).length, 1);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
