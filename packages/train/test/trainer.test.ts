import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  DataParallelTrainer, RunStorage, TrainingFailedError, TrainLoopNotFoundError, TrainRestoreError, TrainSessionError, report, getContext,
} from '../src/index.js';
import { countingLoop, failingLoop, notExported, statefulLoop } from './fixtures/train-loops.js';
import { startS3rver } from './helpers/s3rver.js';

const storagePath = mkdtempSync(join(tmpdir(), 'train-test-'));
// Two CPU-1 workers plus the data pipeline's tasks: more logical CPUs than the machine's 2.
before(async () => {
  await ray.init({ numCpus: 4 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

const rows = () => data.range(200, { overrideNumBlocks: 4 });

test('2 workers: ranks, one shard each per epoch, allreduce in the loop, rank 0 metrics recorded', { timeout: 90_000 }, async () => {
  const trainer = new DataParallelTrainer(countingLoop, {
    trainLoopConfig: { epochs: 3 },
    scalingConfig: { numWorkers: 2 },
    datasets: { train: rows() },
    runConfig: { name: 'counting', storagePath },
  });
  const result = await trainer.fit();
  assert.equal(result.metricsHistory.length, 3);
  for (const [epoch, m] of result.metricsHistory.entries()) {
    assert.equal(m.epoch, epoch);
    assert.equal(m.worldRank, 0);
    assert.equal(m.worldSize, 2);
    assert.equal(m.localWorldSize, 2);
    assert.equal(m.nodeRank, 0);
    assert.equal(m.name, 'counting');
    assert.equal(m.rows, 200, 'every row seen once per epoch');
    assert.equal(m.idSum, (199 * 200) / 2);
    assert.deepEqual(m.perRank, [100, 100], 'equal shards');
  }
  assert.equal(result.path, join(storagePath, 'counting'));
  assert.equal(result.failures, 0);
  assert.equal(result.checkpoint, undefined);
  const state = JSON.parse(readFileSync(join(result.path, 'trainer_state.json'), 'utf8'));
  assert.equal(state.finished, true);
  assert.equal(state.metricsHistory.length, 3);
});

test('a worker killed mid-epoch: the group restarts from the latest checkpoint and ends as an uninterrupted run', { timeout: 150_000 }, async () => {
  const clean = await new DataParallelTrainer(statefulLoop, {
    trainLoopConfig: { epochs: 5 },
    scalingConfig: { numWorkers: 2 },
    datasets: { train: rows() },
    runConfig: { name: 'stateful-clean', storagePath },
  }).fit();
  const marker = join(storagePath, 'crash-marker');
  const crashed = await new DataParallelTrainer(statefulLoop, {
    trainLoopConfig: { epochs: 5, crash: { epoch: 3, rank: 1, marker } },
    scalingConfig: { numWorkers: 2 },
    datasets: { train: rows() },
    runConfig: { name: 'stateful-crash', storagePath, failureConfig: { maxFailures: 1 }, checkpointConfig: { numToKeep: 2 } },
  }).fit();
  assert.ok(existsSync(marker), 'the worker did crash');
  assert.equal(crashed.failures, 1);
  assert.deepEqual(crashed.metrics, { ...clean.metrics, resumedFrom: 3 });
  assert.deepEqual(crashed.metricsHistory.map((m) => m.epoch), [0, 1, 2, 3, 4], 'epoch 3 is reported once, after the restart');
  assert.equal(crashed.metricsHistory.at(-1)!.resumedFrom, 3, 'resumed from the checkpoint of epoch 2');
  const saved = JSON.parse(readFileSync(join(crashed.checkpoint!.path, 'state.json'), 'utf8'));
  assert.deepEqual(saved, { epoch: 4, state: clean.metrics!.state });
  assert.equal(crashed.bestCheckpoints.length, 2, 'numToKeep');
  const dirs = (await import('node:fs')).readdirSync(crashed.path).filter((d) => /^checkpoint_\d+$/.test(d));
  assert.equal(dirs.length, 2, `only the kept checkpoints remain: ${dirs.join(', ')}`);
});

test('S3 storage: workers persist checkpoints to s3://, the restart resumes from one there, evicted ones are deleted', { timeout: 150_000 }, async () => {
  const s3 = await startS3rver('runs');
  try {
    const marker = join(storagePath, 's3-crash-marker');
    const result = await new DataParallelTrainer(statefulLoop, {
      trainLoopConfig: { epochs: 4, crash: { epoch: 2, rank: 1, marker } },
      scalingConfig: { numWorkers: 2 },
      datasets: { train: rows() },
      runConfig: { name: 's3-run', storagePath: 's3://runs/experiments', s3: s3.s3, failureConfig: { maxFailures: 1 }, checkpointConfig: { numToKeep: 1 } },
    }).fit();
    assert.equal(result.path, 's3://runs/experiments/s3-run');
    assert.equal(result.failures, 1);
    assert.equal(result.metrics!.resumedFrom, 2);
    assert.ok(result.checkpoint!.path.startsWith('s3://runs/experiments/s3-run/checkpoint_'));
    const saved = await result.checkpoint!.asDirectory((dir) => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')));
    assert.deepEqual(saved.state, result.metrics!.state);
    const storage = new RunStorage(result.path, s3.s3);
    assert.deepEqual((await storage.listDirs()).filter((d) => /^checkpoint_\d+$/.test(d)), [result.checkpoint!.path.split('/').at(-1)]);
    assert.equal(await DataParallelTrainer.canRestore(result.path, { s3: s3.s3 }), true);
  } finally {
    await s3.close();
  }
});

test('a loop that keeps failing: TrainingFailedError after maxFailures, cause carries the user error', { timeout: 90_000 }, async () => {
  const trainer = new DataParallelTrainer(failingLoop, {
    trainLoopConfig: { failAt: 2 },
    scalingConfig: { numWorkers: 2 },
    runConfig: { name: 'failing', storagePath, failureConfig: { maxFailures: 1 } },
  });
  await assert.rejects(trainer.fit(), (err: unknown) => {
    assert.ok(err instanceof TrainingFailedError, String(err));
    assert.equal(err.failures, 2);
    assert.equal(err.path, join(storagePath, 'failing'));
    assert.ok(err.cause instanceof ray.RayTaskError);
    assert.ok((err.cause as ray.RayTaskError).cause instanceof RangeError);
    assert.match(err.message, /bad epoch 2/);
    return true;
  });
});

test('restore: a run that gave up resumes from its latest checkpoint with its saved options', { timeout: 150_000 }, async () => {
  const marker = join(storagePath, 'restore-marker');
  const name = 'restorable';
  const first = new DataParallelTrainer(statefulLoop, {
    trainLoopConfig: { epochs: 4, crash: { epoch: 2, rank: 0, marker } },
    scalingConfig: { numWorkers: 2 },
    datasets: { train: rows() },
    runConfig: { name, storagePath },
  });
  await assert.rejects(first.fit(), TrainingFailedError);
  const path = join(storagePath, name);
  assert.equal(await DataParallelTrainer.canRestore(path), true);
  assert.equal(await DataParallelTrainer.canRestore(join(storagePath, 'nothing-here')), false);
  const resumed = await (await DataParallelTrainer.restore(path, statefulLoop, { datasets: { train: rows() } })).fit();
  assert.deepEqual(resumed.metricsHistory.map((m) => m.epoch), [0, 1, 2, 3]);
  assert.equal(resumed.metrics!.resumedFrom, 2);
  const clean = await new DataParallelTrainer(statefulLoop, {
    trainLoopConfig: { epochs: 4 },
    scalingConfig: { numWorkers: 2 },
    datasets: { train: rows() },
    runConfig: { name: 'restorable-clean', storagePath },
  }).fit();
  assert.deepEqual(resumed.metrics!.state, clean.metrics!.state);
  await assert.rejects(DataParallelTrainer.restore(join(storagePath, 'nothing-here'), statefulLoop), TrainRestoreError);
  await assert.rejects(new DataParallelTrainer(statefulLoop, { runConfig: { name, storagePath } }).fit(), TrainRestoreError, 'a finished run is not rerun');
});

test('a loop that is not a module export: TrainLoopNotFoundError', { timeout: 30_000 }, async () => {
  await assert.rejects(new DataParallelTrainer(notExported.loop, { runConfig: { name: 'hidden', storagePath } }).fit(), TrainLoopNotFoundError);
});

test('bad options throw at construction, naming the field; the session API needs a loop', () => {
  assert.throws(() => new DataParallelTrainer(countingLoop, { scalingConfig: { numWorkers: 0 } }), (e: unknown) => e instanceof RangeError && /scalingConfig\.numWorkers/.test(e.message));
  assert.throws(() => new DataParallelTrainer(countingLoop, { scalingConfig: { numWorker: 2 } as never }), (e: unknown) => e instanceof TypeError && /scalingConfig\.numWorker /.test(e.message));
  assert.throws(() => new DataParallelTrainer(countingLoop, { runConfig: { failureConfig: { maxFailures: -2 } } }), RangeError);
  assert.throws(() => new DataParallelTrainer(countingLoop, { runConfig: { name: 'a/b' } }), TypeError);
  assert.throws(() => new DataParallelTrainer(countingLoop, { datasets: { train: [1, 2] as never } }), (e: unknown) => e instanceof TypeError && /datasets\.train/.test(e.message));
  assert.throws(() => new DataParallelTrainer(countingLoop, { datasets: { train: rows() }, datasetConfig: { datasetsToSplit: ['valid'] } }), RangeError);
  assert.throws(() => new DataParallelTrainer(countingLoop, { scalingConfig: { resourcesPerWorker: { CPU: -1 } } }), RangeError);
  assert.throws(() => new DataParallelTrainer('loop' as never), TypeError);
  assert.throws(() => getContext(), TrainSessionError);
  return assert.rejects(report({ loss: 1 }), TrainSessionError);
});
