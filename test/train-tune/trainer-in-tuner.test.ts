/**
 * A Train trainer run by Tune (Ray's `Tuner(trainer)`): Tune and Train meet through Tune's
 * structural `tuneTrainable()` contract, neither imports the other.
 */
import * as ray from '@ray-ts/core';
import { DataParallelTrainer, TfjsTrainer } from '@ray-ts/train';
import { Tuner, tune } from '@ray-ts/tune';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { scoreLoop } from '../../packages/train/test/fixtures/train-loops.js';

const storagePath = mkdtempSync(join(tmpdir(), 'train-tune-'));
before(async () => {
  await ray.init({ numCpus: 4 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

test('Tuner(trainer): a 2-worker run per trial, trainLoopConfig merged, reports and checkpoints reach Tune, a stop ends the workers', { timeout: 180_000 }, async () => {
  const trainer = new DataParallelTrainer(scoreLoop, { trainLoopConfig: { lr: 0, epochs: 4 }, scalingConfig: { numWorkers: 2 } });
  const grid = await new Tuner(trainer, {
    paramSpace: { trainLoopConfig: { lr: tune.gridSearch([1, 3]) } },
    tuneConfig: { metric: 'score', mode: 'max' },
    runConfig: { name: 'trainer-sweep', storagePath, stop: { epoch: 2 } },
  }).fit();
  assert.equal(grid.length, 2);
  assert.equal(grid.numErrors, 0, String(grid.errors?.map?.((e: unknown) => String(e))));
  const best = grid.getBestResult();
  assert.deepEqual(best.config, { trainLoopConfig: { lr: 3 } });
  assert.equal(best.metrics!.score, 9, 'lr 3 at epoch 2 (the stop)');
  assert.equal(best.metrics!.workers, 2);
  for (const r of grid.results) {
    assert.deepEqual(r.metricsHistory.map((m) => m.epoch), [0, 1, 2], 'stopped at epoch 2: the 4th epoch never reported');
    const path = (r as { checkpoint?: { data?: { path?: string } } }).checkpoint?.data?.path;
    assert.ok(path && existsSync(join(path, 'epoch.json')), `Train's checkpoint reached Tune: ${path}`);
    assert.ok(path.startsWith(join(storagePath, 'trainer-sweep')), 'the run lives under the trial directory');
  }
});

test('Tuner(TfjsTrainer): the trial workers set up TensorFlow.js as the trainer says', { timeout: 120_000 }, async () => {
  const trainer = new TfjsTrainer(scoreLoop, { trainLoopConfig: { lr: 2, epochs: 1 }, scalingConfig: { numWorkers: 2 }, tfjsConfig: { backend: 'cpu' } });
  const grid = await new Tuner(trainer, { tuneConfig: { metric: 'score', mode: 'max' }, runConfig: { name: 'tfjs-trainer', storagePath } }).fit();
  assert.equal(grid.numErrors, 0);
  assert.equal(grid.getBestResult().metrics!.score, 2);
});

test('a trainer with datasets runs its trials in the driver, with a CPU counted for the data pipeline', async () => {
  const data = await import('@ray-ts/data');
  const trainer = new DataParallelTrainer(scoreLoop, { scalingConfig: { numWorkers: 2 }, datasets: { train: data.range(10) } });
  const t = trainer.tuneTrainable();
  assert.equal(t.runInDriver, true);
  assert.equal(t.cpusPerTrial, 3, '2 workers of 1 CPU, and 1 for the data tasks');
  assert.equal(new DataParallelTrainer(scoreLoop, { scalingConfig: { numWorkers: 2 } }).tuneTrainable().runInDriver, false);
});
