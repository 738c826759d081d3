import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TfjsTrainer } from '../src/index.js';
import { accuracy, mlpLoop, rowsOf } from './fixtures/mlp-loop.js';

const storagePath = mkdtempSync(join(tmpdir(), 'tfjs-trainer-test-'));
before(async () => {
  await ray.init({ numCpus: 4 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

const train = () => data.fromItems(rowsOf(0, 4096), { overrideNumBlocks: 8 });

test('an MLP on 2 workers (gradients allreduced) reaches the accuracy of 1 worker with the same global batch', { timeout: 240_000 }, async () => {
  const fit = (numWorkers: number, name: string) =>
    new TfjsTrainer(mlpLoop, {
      trainLoopConfig: { epochs: 4, batchSize: 64 / numWorkers, lr: 0.01, seed: 7 },
      scalingConfig: { numWorkers },
      datasets: { train: train() },
      runConfig: { name, storagePath },
    }).fit();
  const one = await fit(1, 'mlp-1');
  const two = await fit(2, 'mlp-2');
  const a1 = one.metrics!.accuracy as number;
  const a2 = two.metrics!.accuracy as number;
  assert.ok(a1 >= 0.9, `1 worker learned (accuracy ${a1})`);
  assert.ok(a2 >= 0.9, `2 workers learned (accuracy ${a2})`);
  assert.ok(Math.abs(a1 - a2) <= 0.04, `same accuracy within 4 points: ${a1} vs ${a2}`);
  assert.equal(one.metrics!.steps, two.metrics!.steps, 'same number of global steps per epoch');
  for (const m of two.metricsHistory) {
    const [s0, s1] = m.weightSums as number[];
    assert.equal(s0, s1, `both workers hold identical weights after epoch ${m.epoch}`);
  }
  const losses = two.metricsHistory.map((m) => m.loss as number);
  assert.ok(losses.at(-1)! < losses[0]!, `loss went down: ${losses.join(', ')}`);
});

test('model checkpoints: the latest is loadable and predicts like the trained model', { timeout: 180_000 }, async () => {
  const result = await new TfjsTrainer(mlpLoop, {
    trainLoopConfig: { epochs: 2, batchSize: 32, lr: 0.01, seed: 3, checkpoint: true },
    scalingConfig: { numWorkers: 2 },
    datasets: { train: train() },
    runConfig: { name: 'mlp-ckpt', storagePath, checkpointConfig: { numToKeep: 1, checkpointScoreAttribute: 'accuracy', checkpointScoreOrder: 'max' } },
    tfjsConfig: { backend: 'cpu' },
  }).fit();
  assert.ok(result.checkpoint, 'a checkpoint');
  assert.deepEqual(await result.checkpoint.getMetadata(), { epoch: 1 });
  const model = await result.checkpoint.loadModel();
  assert.equal(model.layers.length, 2);
  assert.equal(accuracy(model, 100_000, 101_000), result.metrics!.accuracy, 'the loaded model scores what the trained one reported');
  assert.ok(result.bestCheckpoints.length >= 1);
});
