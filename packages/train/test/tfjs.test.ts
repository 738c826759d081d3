/**
 * The TensorFlow.js integration: backend selection, data-parallel math with two simulated
 * workers over an in-process communicator, bit-exact model + optimizer round trips, and
 * no tensor leaks.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setCurrentSession } from '../src/session/current.js';
import {
  createInProcessCommunicators, identityCommunicator, loadModelFromDirectory, prepareModel, prepareOptimizer, registerBackendLoader,
  registeredBackends, saveModelToDirectory, sessionCommunicator, syncWeights, TfjsBackendUnavailableError, TfjsCollectiveMismatchError,
  TfjsDuplicateBackendError, TfjsModelIoError, TfjsUnknownBackendError, trainOnBatch, useBackend, type Communicator, type DistributedOptimizer,
} from '../src/tfjs/index.js';
import { cloneMlp, makeBatch, makeMlp, maxWeightDiff, weightBytes } from './fixtures/tfjs-models.js';

const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred);

describe('useBackend', () => {
  test("'auto' picks wasm here (no tfjs-node installed) and finds its .wasm files", async () => {
    assert.equal(await useBackend('auto'), 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(Array.from(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()), [3]);
  });

  test("'cpu' works when asked for, without tfjs's Node.js banner", async () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
    try {
      assert.equal(await useBackend('cpu'), 'cpu');
      tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).dataSync());
    } finally {
      console.warn = original;
    }
    assert.equal(tf.getBackend(), 'cpu');
    assert.deepEqual(warnings.filter((w) => w.includes('running TensorFlow.js in Node.js')), []);
  });

  test('an unknown backend rejects with TfjsUnknownBackendError; a bad preference throws TypeError', async () => {
    await assert.rejects(useBackend('tpu'), (err: unknown) => {
      assert.ok(err instanceof TfjsUnknownBackendError);
      assert.equal(err.code, 'TFJS_UNKNOWN_BACKEND');
      assert.equal(err.backend, 'tpu');
      assert.ok(err.registered.includes('wasm'));
      return true;
    });
    assert.throws(() => useBackend('' as string), TypeError);
    assert.throws(() => useBackend(42 as unknown as string), /preference/);
  });

  test("'tensorflow' asked for by name is unavailable without @tensorflow/tfjs-node", async () => {
    await assert.rejects(useBackend('tensorflow'), (err: unknown) => {
      assert.ok(err instanceof TfjsBackendUnavailableError);
      assert.equal(err.code, 'TFJS_BACKEND_UNAVAILABLE');
      assert.equal(err.attempts[0]?.backend, 'tensorflow');
      return true;
    });
  });

  test('a custom backend is a registration; duplicates are rejected; a failing loader is reported', async () => {
    registerBackendLoader('test-cpu-alias', async () => {
      if (tf.findBackendFactory('test-cpu-alias') == null) tf.registerBackend('test-cpu-alias', tf.findBackendFactory('cpu'));
    });
    assert.ok(registeredBackends().includes('test-cpu-alias'));
    assert.equal(await useBackend('test-cpu-alias'), 'test-cpu-alias');
    assert.throws(() => registerBackendLoader('test-cpu-alias', async () => undefined), TfjsDuplicateBackendError);
    assert.throws(() => registerBackendLoader('auto', async () => undefined), RangeError);
    assert.throws(() => registerBackendLoader('x', async () => undefined, { priority: Number.NaN }), /options\.priority/);
    registerBackendLoader('test-broken', async () => {
      throw new Error('native library missing');
    });
    await assert.rejects(useBackend('test-broken'), (err: unknown) => {
      assert.ok(err instanceof TfjsBackendUnavailableError);
      assert.match(err.attempts[0]?.reason ?? '', /native library missing/);
      return true;
    });
  });

  test("loaders get this worker's GPU ids, from options or from the session", async () => {
    const seen: Array<readonly number[]> = [];
    registerBackendLoader('test-gpu-probe', async (context) => {
      seen.push(context.gpuIds);
      throw new Error('probe only');
    });
    await assert.rejects(useBackend('test-gpu-probe', { gpuIds: [1, 3] }), TfjsBackendUnavailableError);
    setCurrentSession({ worldRank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, nodeRank: 0, collectiveGroup: undefined, gpuIds: [2] });
    try {
      await assert.rejects(useBackend('test-gpu-probe'), TfjsBackendUnavailableError);
    } finally {
      setCurrentSession(undefined);
    }
    assert.deepEqual(seen, [[1, 3], [2]]);
    assert.throws(() => useBackend('cpu', { gpuIds: [-1] }), /options\.gpuIds/);
  });
});

describe('communicators', () => {
  test('outside a session, or with one worker, the session communicator is the identity', () => {
    assert.equal(sessionCommunicator(), identityCommunicator);
    setCurrentSession({ worldRank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, nodeRank: 0, collectiveGroup: undefined, gpuIds: [] });
    try {
      assert.equal(sessionCommunicator(), identityCommunicator);
      setCurrentSession({ worldRank: 1, worldSize: 4, localRank: 1, localWorldSize: 2, nodeRank: 0, collectiveGroup: 'g', gpuIds: [] });
      const c = sessionCommunicator();
      assert.deepEqual([c.rank, c.worldSize], [1, 4]);
    } finally {
      setCurrentSession(undefined);
    }
  });

  test('the in-process fake averages, broadcasts and rejects mismatched buffers', async () => {
    const [a, b] = createInProcessCommunicators(2) as [Communicator, Communicator];
    const x = new Float32Array([1, 2]);
    const y = new Float32Array([3, 6]);
    const [rx, ry] = await Promise.all([a.allreduce(x, 'mean'), b.allreduce(y, 'mean')]);
    assert.equal(rx, x, 'in place: resolves to the same array');
    assert.equal(ry, y);
    assert.deepEqual([...x, ...y], [2, 4, 2, 4]);
    await Promise.all([a.broadcast(new Float32Array([9, 9]), 0), b.broadcast(y, 0)]);
    assert.deepEqual([...y], [9, 9]);
    const results = await Promise.allSettled([a.allreduce(new Float32Array(2), 'sum'), b.allreduce(new Float32Array(3), 'sum')]);
    for (const r of results) assert.ok(r.status === 'rejected' && r.reason instanceof TfjsCollectiveMismatchError);
  });

  test('options are validated at the boundary, naming the field', () => {
    assert.throws(() => prepareOptimizer({} as tf.Optimizer), /optimizer must be a tf\.Optimizer/);
    assert.throws(
      () => prepareOptimizer(tf.train.sgd(0.1), { communicator: { worldSize: 2, rank: 5 } as never }),
      (err: unknown) => err instanceof RangeError && /options\.communicator\.rank/.test(err.message),
    );
    assert.throws(() => createInProcessCommunicators(0), RangeError);
  });
});

describe('data-parallel training', () => {
  before(async () => {
    await useBackend('auto');
  });

  test('prepareModel broadcasts rank 0 weights so every worker starts identical', async () => {
    const comms = createInProcessCommunicators(2);
    const models = [makeMlp(1), makeMlp(2)];
    const expected = weightBytes(models[0]!);
    assert.notDeepEqual(weightBytes(models[1]!), expected);
    const prepared = await Promise.all(models.map((m, rank) => prepareModel(m, { communicator: comms[rank] })));
    assert.equal(prepared[1], models[1]);
    for (const m of models) assert.deepEqual(weightBytes(m), expected);
    await assert.rejects(syncWeights(models[0]!, { communicator: comms[0], srcRank: 2 }), RangeError);
  });

  for (const [name, makeOptimizer] of [
    ['SGD', () => tf.train.sgd(0.1)],
    ['Adam', () => tf.train.adam(0.01)],
  ] as const) {
    test(`${name}: two workers on half batches match one worker on the full batch`, async () => {
      const steps = 6;
      const { xs, ys } = makeBatch(16, 42);
      const halves = [0, 1].map((w) => ({ xs: xs.slice([w * 8, 0], [8, 4]), ys: ys.slice([w * 8, 0], [8, 1]) }));
      const reference = makeMlp(7);
      const workers = [cloneMlp(reference), cloneMlp(reference)];
      const comms = createInProcessCommunicators(2);
      const refOptimizer = prepareOptimizer(makeOptimizer(), { communicator: identityCommunicator });
      const optimizers = comms.map((communicator) => prepareOptimizer(makeOptimizer(), { communicator }));

      for (let step = 0; step < steps; step++) {
        const refLoss = await trainOnBatch(reference, refOptimizer, xs, ys, mse);
        const losses = await Promise.all(
          workers.map((m, w) => trainOnBatch(m, optimizers[w]!, halves[w]!.xs, halves[w]!.ys, mse)),
        );
        assert.equal(losses[0], losses[1], 'every worker reports the same averaged loss');
        assert.ok(Math.abs(losses[0]! - refLoss) < 1e-5, `step ${step}: loss ${losses[0]} vs full batch ${refLoss}`);
      }
      assert.deepEqual(weightBytes(workers[0]!), weightBytes(workers[1]!), 'replicas stay bit-identical');
      const diff = maxWeightDiff(workers[0]!, reference);
      assert.ok(diff < 1e-5, `max weight difference to the full-batch run: ${diff}`);
      assert.ok(maxWeightDiff(workers[0]!, makeMlp(7)) > 1e-3, 'training moved the weights');
      tf.dispose([xs, ys, ...halves.flatMap((h) => [h.xs, h.ys])]);
      for (const m of [reference, ...workers]) m.dispose();
      for (const o of [refOptimizer, ...optimizers]) o.dispose();
    });
  }

  test('minimize() over raw variables averages gradients across workers', async () => {
    const comms = createInProcessCommunicators(2);
    const data = [
      { x: tf.tensor1d([1, 2]), y: tf.tensor1d([2, 4]) },
      { x: tf.tensor1d([3, 4]), y: tf.tensor1d([6, 8]) },
    ];
    const run = async (rank: number) => {
      const w = tf.variable(tf.scalar(0));
      const optimizer = prepareOptimizer(tf.train.sgd(0.01), { communicator: comms[rank] });
      for (let i = 0; i < 3; i++) {
        const cost = await optimizer.minimize(() => tf.losses.meanSquaredError(data[rank]!.y, tf.mul(w, data[rank]!.x)) as tf.Scalar, true, [w]);
        assert.ok(cost !== null);
        cost.dispose();
      }
      const value = w.dataSync()[0]!;
      w.dispose();
      return value;
    };
    const [w0, w1] = await Promise.all([run(0), run(1)]);
    // Full-batch gradient of mean((w*x - 2x)^2) at w: 2 (w - 2) mean(x^2) = 2 (w - 2) * 7.5.
    let w = 0;
    for (let i = 0; i < 3; i++) w -= 0.01 * 2 * (w - 2) * 7.5;
    assert.equal(w0, w1);
    assert.ok(Math.abs(w0! - w) < 1e-5, `${w0} vs ${w}`);
    tf.dispose(data.flatMap((d) => [d.x, d.y]));
  });

  test('no tensor leaks over 50 distributed steps', async () => {
    const comms = createInProcessCommunicators(2);
    const { xs, ys } = makeBatch(8, 5);
    const models = [makeMlp(3), makeMlp(3)];
    const optimizers: DistributedOptimizer[] = comms.map((communicator) => prepareOptimizer(tf.train.adam(0.01), { communicator }));
    const step = () => Promise.all(models.map((m, w) => trainOnBatch(m, optimizers[w]!, xs, ys, mse)));
    const minimizeStep = () =>
      Promise.all(models.map((m, w) => optimizers[w]!.minimize(() => mse(ys, m.predict(xs) as tf.Tensor) as tf.Scalar)));
    await step(); // creates the optimizers' slots
    await minimizeStep();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      await step();
      await minimizeStep();
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([xs, ys]);
    for (const m of models) m.dispose();
    for (const o of optimizers) o.dispose();
  });
});

describe('model IO', () => {
  let dir: string;
  before(async () => {
    await useBackend('auto');
    dir = await mkdtemp(join(tmpdir(), 'ray-ts-tfjs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('save then load is bit-exact, and a resumed Adam run equals an uninterrupted one', async () => {
    const { xs, ys } = makeBatch(16, 11);
    const model = makeMlp(21);
    const optimizer = prepareOptimizer(tf.train.adam(0.02), { communicator: identityCommunicator });
    // Enough steps that tfjs's own setWeights (beta^t via pow) would drift from the running product.
    for (let i = 0; i < 25; i++) await trainOnBatch(model, optimizer, xs, ys, mse);

    const target = join(dir, 'ckpt');
    await saveModelToDirectory(model, target, { optimizer: optimizer.optimizer });
    assert.deepEqual((await readdir(target)).sort(), ['model.json', 'optimizer.bin', 'optimizer.json', 'weights.bin']);

    const freshAdam = tf.train.adam(0.02);
    const loaded = await loadModelFromDirectory(target, { optimizer: freshAdam });
    assert.deepEqual(weightBytes(loaded), weightBytes(model));
    const p1 = model.predict(xs) as tf.Tensor;
    const p2 = loaded.predict(xs) as tf.Tensor;
    assert.deepEqual(new Uint8Array(p2.dataSync().slice().buffer), new Uint8Array(p1.dataSync().slice().buffer));
    tf.dispose([p1, p2]);
    assert.equal(freshAdam.iterations, 25);

    const resumed = prepareOptimizer(freshAdam, { communicator: identityCommunicator });
    for (let i = 0; i < 5; i++) {
      const a = await trainOnBatch(model, optimizer, xs, ys, mse);
      const b = await trainOnBatch(loaded, resumed, xs, ys, mse);
      assert.equal(b, a, `step ${i}: resumed loss equals uninterrupted loss`);
    }
    assert.deepEqual(weightBytes(loaded), weightBytes(model));

    // Without the optimizer only the model files are read; a wrong optimizer class is refused.
    const plain = await loadModelFromDirectory(target);
    await assert.rejects(loadModelFromDirectory(target, { optimizer: tf.train.sgd(0.1) }), (err: unknown) => {
      assert.ok(err instanceof TfjsModelIoError);
      assert.equal(err.code, 'TFJS_MODEL_IO');
      assert.match(err.message, /Adam/);
      return true;
    });
    tf.dispose([xs, ys]);
    for (const m of [model, loaded, plain]) m.dispose();
    optimizer.dispose();
    resumed.dispose();
  });

  test('saving without an optimizer writes only the model; bad inputs fail clearly', async () => {
    const model = makeMlp(4);
    const target = join(dir, 'plain');
    await saveModelToDirectory(model, target);
    assert.deepEqual((await readdir(target)).sort(), ['model.json', 'weights.bin']);
    await assert.rejects(loadModelFromDirectory(target, { optimizer: tf.train.adam() }), TfjsModelIoError);
    await assert.rejects(loadModelFromDirectory(join(dir, 'missing')), TfjsModelIoError);
    await assert.rejects(saveModelToDirectory(model, 's3://bucket/ckpt'), /dir must be a local directory/);
    await assert.rejects(saveModelToDirectory({} as tf.LayersModel, target), TypeError);
    await assert.rejects(loadModelFromDirectory(target, { optimizer: 'adam' as never }), /options\.optimizer/);
    model.dispose();
  });
});
