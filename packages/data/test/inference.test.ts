import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import { MODEL_PATH, buildModel, reference } from './fixtures/onnx/make-model.js';
import { OnnxPredictor, features } from './fixtures/onnx/predictor.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

const N = 2000;

test('model.onnx is the generator output and matches the plain-JS network', async () => {
  assert.ok(existsSync(MODEL_PATH), 'run make-model.ts to create model.onnx');
  assert.deepEqual(new Uint8Array(readFileSync(MODEL_PATH)), buildModel(), 'model.onnx is stale: rerun make-model.ts');
  const session = await ort.InferenceSession.create(MODEL_PATH);
  assert.deepEqual(session.inputNames, ['x']);
  assert.deepEqual(session.outputNames, ['y']);
  const n = 257;
  const x = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 1.3) * 4);
  const y = (await session.run({ x: new ort.Tensor('float32', x, [n, 4]) })).y!;
  assert.deepEqual(y.dims, [n, 2]);
  const ref = reference(x);
  const got = y.data as Float32Array;
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got[i]! - ref[i]!) <= 1e-5, `y[${i}]: ${got[i]} vs ${ref[i]}`);
});

test('batch inference with an ONNX predictor on an actor pool', async () => {
  const rows = await data.range(N, { overrideNumBlocks: 8 })
    .map(features)
    .mapBatches(OnnxPredictor, { concurrency: 2, batchSize: 256, batchFormat: 'columns', fnConstructorArgs: [MODEL_PATH] })
    .takeAll();
  assert.equal(rows.length, N);
  assert.deepEqual(rows.map((r) => r.id), Array.from({ length: N }, (_, i) => i));
  for (const r of rows) {
    const f = features(r);
    const x = [f.f0!, f.f1!, f.f2!, f.f3!].map(Math.fround);
    const ref = reference(x);
    assert.ok(Math.abs((r.pred0 as number) - ref[0]!) <= 1e-4, `row ${r.id as number} pred0 ${r.pred0} vs ${ref[0]}`);
    assert.ok(Math.abs((r.pred1 as number) - ref[1]!) <= 1e-4, `row ${r.id as number} pred1 ${r.pred1} vs ${ref[1]}`);
  }
  // One predictor and one session load per actor process.
  const pids = new Set(rows.map((r) => r.pid as number));
  assert.ok(pids.size >= 1 && pids.size <= 2, `expected at most 2 actors, got ${pids.size}`);
  for (const pid of pids) {
    const mine = rows.filter((r) => r.pid === pid);
    assert.deepEqual(new Set(mine.map((r) => r.instance)), new Set([1]), `pid ${pid}: more than one predictor instance`);
    assert.deepEqual(new Set(mine.map((r) => r.loadNumber)), new Set([1]), `pid ${pid}: session loaded more than once`);
    assert.deepEqual(new Set(mine.map((r) => r.loadsInProcess)), new Set([1]), `pid ${pid}: several sessions in the process`);
  }
});
