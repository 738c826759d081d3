/**
 * A Train trainer with datasets run by Tune (Ray's `Tuner(trainer)` with `datasets=`), on a
 * 2-CPU cluster: each trial's fit runs in the Tune driver, splits the dataset for its own
 * workers, and Tune's default concurrency leaves a CPU for the data pipeline's tasks.
 */
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { DataParallelTrainer, TrainDataResourceError } from '@ray-ts/train';
import { Tuner, tune } from '@ray-ts/tune';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { countingLoop } from '../../packages/train/test/fixtures/train-loops.js';

const storagePath = mkdtempSync(join(tmpdir(), 'train-tune-data-'));
const ROWS = 60;
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

test('Tuner(trainer with datasets): 2 trials × 1 worker on 2 CPUs, each trial reads every row of its shard each epoch; a stop stops it', { timeout: 120_000 }, async () => {
  const trainer = new DataParallelTrainer(countingLoop, {
    trainLoopConfig: { epochs: 1 },
    scalingConfig: { numWorkers: 1 },
    datasets: { train: data.range(ROWS, { overrideNumBlocks: 3 }).map((r) => ({ id: r.id as number })) },
  });
  const grid = await new Tuner(trainer, {
    paramSpace: { trainLoopConfig: { epochs: tune.gridSearch([1, 3]) } },
    tuneConfig: { metric: 'rows', mode: 'max' },
    runConfig: { name: 'data-sweep', storagePath, verbose: 0, stop: { epoch: 1 } },
  }).fit();
  assert.equal(grid.numErrors, 0, grid.errors.map((e) => `${e.message} ${String((e as { cause?: unknown }).cause)}`).join('\n'));
  assert.equal(grid.length, 2);
  for (const r of grid.results) {
    const epochs = (r.config.trainLoopConfig as { epochs: number }).epochs;
    assert.deepEqual(r.metricsHistory.map((m) => m.epoch), epochs === 1 ? [0] : [0, 1], 'the 3-epoch trial is stopped at epoch 1 (its workers with it)');
    for (const m of r.metricsHistory) {
      assert.equal(m.rows, ROWS, 'one worker: its shard is every row, every epoch');
      assert.equal(m.idSum, (ROWS * (ROWS - 1)) / 2);
    }
  }
});

test('Tuner(trainer with datasets) with maxConcurrentTrials holding every CPU: a trial fails with TrainDataResourceError, not a hang', { timeout: 60_000 }, async () => {
  process.env.RAY_TS_TRAIN_DATA_CPU_WAIT_MS = '1500';
  try {
    const trainer = new DataParallelTrainer(countingLoop, {
      trainLoopConfig: { epochs: 1 },
      scalingConfig: { numWorkers: 1 },
      datasets: { train: data.range(ROWS, { overrideNumBlocks: 3 }).map((r) => ({ id: r.id as number })) },
    });
    const grid = await new Tuner(trainer, {
      paramSpace: { trainLoopConfig: { lr: tune.gridSearch([1, 2]) } },
      tuneConfig: { maxConcurrentTrials: 2 },
      runConfig: { name: 'data-starved', storagePath, verbose: 0 },
    }).fit();
    // Both trials' workers hold the 2 CPUs: one fails; the other then gets the CPU it freed (or fails too).
    assert.ok(grid.numErrors >= 1);
    assert.equal(grid.numErrors + grid.numTerminated, 2);
    for (const e of grid.errors) {
      const cause = (e as { cause?: unknown }).cause;
      assert.ok(cause instanceof TrainDataResourceError, String(cause));
      assert.match(cause.message, /maxConcurrentTrials/);
      assert.equal(cause.totalCpus, 2);
    }
  } finally {
    delete process.env.RAY_TS_TRAIN_DATA_CPU_WAIT_MS;
  }
});
