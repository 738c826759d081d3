import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ASHAScheduler, isTunableTrainer, TrainableNotFoundError, Tuner, tune, type ExperimentState } from '../src/index.js';
import { unwrapTrainable } from '../src/trainable/trainable.js';
import { DriverTrainer, FakeTrainer, UnexportedTrainer } from './fixtures/fake-trainer.js';

const storagePath = mkdtempSync(join(tmpdir(), 'tune-trainer-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

const trainer = () => new FakeTrainer({ trainLoopConfig: { lr: 0.5, width: 8 }, steps: 4 });

test('a trainer-like object runs as trials: trainLoopConfig merged, reports, checkpoints, ASHA stops', { timeout: 90_000 }, async () => {
  assert.ok(isTunableTrainer(trainer()));
  // loss = 10 lr + 1/step. 0.1 runs to maxT; 0.3 is worse at rung 1; 0.2 passes rung 1 (at the median) and stops at rung 2.
  const grid = await new Tuner(trainer(), {
    paramSpace: { trainLoopConfig: { lr: tune.gridSearch([0.1, 0.3, 0.2]) } },
    tuneConfig: { metric: 'loss', mode: 'min', maxConcurrentTrials: 1, scheduler: new ASHAScheduler({ gracePeriod: 1, reductionFactor: 2, maxT: 4 }) },
    runConfig: { name: 'trainer', storagePath, verbose: 0 },
  }).fit();
  assert.equal(grid.numErrors, 0, 'a stop the trainer wrapped in its own error is still a stop');
  assert.equal(grid.numTerminated, 3);
  const at = Object.fromEntries(grid.results.map((r) => [(r.config.trainLoopConfig as { lr: number }).lr, r.metrics?.trainingIteration]));
  assert.deepEqual(at, { 0.1: 4, 0.3: 1, 0.2: 2 });
  const best = grid.getBestResult();
  assert.deepEqual(best.config, { trainLoopConfig: { lr: 0.1 } });
  assert.equal(best.metrics?.width, 8, "the trainer's own train loop config fills the rest");
  assert.equal(best.metrics?.trialDir, best.path, 'session.context is the trial');
  assert.deepEqual(best.checkpoint?.toDict(), { step: 4 });
  const state = JSON.parse(readFileSync(join(storagePath, 'trainer', 'experiment_state.json'), 'utf8')) as ExperimentState;
  assert.equal(state.trainable, 'runFakeTrainerTrial');
});

test('Tuner.restore with a trainer resumes an unfinished trial from session.checkpoint', { timeout: 60_000 }, async () => {
  const first = await new Tuner(trainer(), {
    paramSpace: { trainLoopConfig: { lr: 0.1 } },
    runConfig: { name: 'trainer-restore', storagePath, verbose: 0 },
  }).fit();
  assert.equal(first.numTerminated, 1);
  const dir = join(storagePath, 'trainer-restore');
  const state = JSON.parse(readFileSync(join(dir, 'experiment_state.json'), 'utf8')) as ExperimentState;
  const t0 = state.trials[0]!;
  t0.status = 'RUNNING';
  t0.checkpoint = { iteration: 2, timeTotalS: 0, dir: join(dir, t0.trialId, 'checkpoint_000002') };
  writeFileSync(join(dir, 'experiment_state.json'), JSON.stringify(state));
  const grid = await (await Tuner.restore(dir, trainer())).fit();
  assert.deepEqual(grid.results[0]!.metricsHistory.map((m) => [m.trainingIteration, m.from, m.iterationsSinceRestore]), [
    [1, 0, 1], [2, 0, 2], [3, 2, 1], [4, 2, 2],
  ]);
});

test('a trainer whose trial function is not exported, or whose tuneTrainable() is malformed, fails clearly', { timeout: 30_000 }, async () => {
  await assert.rejects(new Tuner(new UnexportedTrainer(), { runConfig: { name: 'unexported', storagePath, verbose: 0 } }).fit(), (err: unknown) => {
    assert.ok(err instanceof TrainableNotFoundError);
    assert.match(err.message, /hiddenTrial.*tuneTrainable\(\)\.run must be exported by the module tuneTrainable\(\)\.module names/);
    return true;
  });
  assert.throws(() => new Tuner({ tuneTrainable: () => ({ run: 1 }) } as never), /trainer\.tuneTrainable\(\)\.run must be an exported function/);
  assert.throws(() => new Tuner({ tuneTrainable: () => ({ run: () => 0, module: './x.js' }) } as never), /tuneTrainable\(\)\.module must be the file: URL/);
  assert.throws(() => new Tuner({ tuneTrainable: () => ({ run: () => 0, module: 'file:///x.js', resources: { TPU: 1 } }) } as never), /tuneTrainable\(\)\.resources\.TPU is not supported/);
  const wr = tune.withResources(trainer(), { CPU: 0.5 });
  assert.equal(wr.resources.CPU, 0.5);
  assert.deepEqual([unwrapTrainable(wr).resources.CPU, unwrapTrainable(wr).cpusPerTrial], [0.5, 0.5]);
  const withWorkers = { tuneTrainable: () => ({ run: () => 0, module: 'file:///x.js', resources: { CPU: 0 }, cpusPerTrial: 2 }) };
  assert.deepEqual([unwrapTrainable(withWorkers).resources.CPU, unwrapTrainable(withWorkers).cpusPerTrial], [0, 2]);
  assert.throws(() => new Tuner({ tuneTrainable: () => ({ run: () => 0, module: 'file:///x.js', cpusPerTrial: 0 }) }), /cpusPerTrial must be a number > 0/);
});

test('runInDriver: trials run in the driver process with args as they are (not serialized); stops still stop them', { timeout: 30_000 }, async () => {
  const grid = await new Tuner(new DriverTrainer(), {
    paramSpace: { trainLoopConfig: { steps: tune.gridSearch([2, 5]) } },
    tuneConfig: { metric: 'value', mode: 'max', maxConcurrentTrials: 2 },
    runConfig: { name: 'in-driver', storagePath, verbose: 0, stop: { value: 30 } },
  }).fit();
  assert.equal(grid.numErrors, 0, grid.errors.map((e) => String((e as { cause?: unknown }).cause)).join('\n'));
  for (const r of grid.results) {
    assert.ok(r.metricsHistory.every((m) => m.pid === process.pid && m.driverPid === process.pid), 'ran in this process');
  }
  const byValue = grid.results.map((r) => r.metricsHistory.map((m) => m.value));
  assert.deepEqual(byValue, [[10, 20], [10, 20, 30]], 'the stop at value 30 ended the 5-step trial');
  assert.throws(() => new Tuner({ tuneTrainable: () => ({ run: () => 0, module: 'file:///x.js', runInDriver: 'yes' }) } as never), /runInDriver must be a boolean/);
});
