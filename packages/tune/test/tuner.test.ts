import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TrainableNotFoundError, TrialError, Tuner, TuneMetricError, tune } from '../src/index.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flaky, Growth, meet, noAwait, quadratic, timed, wrongMetric } from './fixtures/trainables.js';

const storagePath = mkdtempSync(join(tmpdir(), 'tune-test-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

test('grid search runs every config as an actor and writes the experiment directory', { timeout: 60_000 }, async () => {
  const tuner = new Tuner(quadratic, {
    paramSpace: { x: tune.gridSearch([3, 1, 2]), iters: 4 },
    tuneConfig: { metric: 'loss', mode: 'min' },
    runConfig: { name: 'grid', storagePath },
  });
  const grid = await tuner.fit();
  assert.equal(grid.length, 3);
  assert.equal(grid.numErrors, 0);
  assert.equal(grid.numTerminated, 3);
  assert.deepEqual(grid.results.map((r) => r.config.x).sort(), [1, 2, 3]);
  const best = grid.getBestResult();
  assert.equal(best.config.x, 1);
  assert.equal(best.metrics?.trainingIteration, 4);
  assert.equal(best.metricsHistory.length, 4);
  assert.equal(grid.getBestResult('loss', 'max').config.x, 3);
  const records = grid.toRecords();
  assert.equal(records.length, 3);
  assert.ok('config/x' in records[0]! && 'loss' in records[0]!);
  const table = grid.toArrow();
  assert.equal(table.numRows, 3);
  assert.ok(table.schema.fields.some((f) => f.name === 'config/x'));
  const dir = join(storagePath, 'grid');
  const state = JSON.parse(readFileSync(join(dir, 'experiment_state.json'), 'utf8'));
  assert.equal(state.trials.length, 3);
  assert.ok(state.trials.every((t: { status: string }) => t.status === 'TERMINATED'));
  const t0 = state.trials[0].trialId as string;
  assert.deepEqual(JSON.parse(readFileSync(join(dir, t0, 'params.json'), 'utf8')), state.trials[0].config);
  assert.equal(readFileSync(join(dir, t0, 'result.json'), 'utf8').trim().split('\n').length, 4);
});

test('a trainable that throws marks its trial ERROR and the sweep goes on', { timeout: 60_000 }, async () => {
  const grid = await new Tuner(flaky, {
    paramSpace: { fail: tune.gridSearch([false, true, false]) },
    tuneConfig: { metric: 'score', mode: 'max' },
    runConfig: { name: 'errors', storagePath },
  }).fit();
  assert.equal(grid.numErrors, 1);
  assert.equal(grid.numTerminated, 2);
  const bad = grid.results.find((r) => r.config.fail)!;
  assert.equal(bad.status, 'ERROR');
  assert.ok(bad.error instanceof TrialError);
  assert.match(bad.error.message, /boom at 2/);
  assert.equal(bad.metricsHistory.length, 1);
  assert.equal(grid.getBestResult().metrics?.score, 3);
});

test('a metric never reported fails the trial with a clear error', { timeout: 60_000 }, async () => {
  const grid = await new Tuner(wrongMetric, { tuneConfig: { metric: 'loss', mode: 'min' }, runConfig: { name: 'metric', storagePath } }).fit();
  assert.equal(grid.numErrors, 1);
  const err = grid.errors[0]!;
  assert.ok(err instanceof TrialError);
  assert.ok(err.cause instanceof TuneMetricError);
  assert.match(err.message, /reported 'acc' but not 'loss'/);
  assert.throws(() => grid.getBestResult(), /No trial reported the metric 'loss'/);
});

test('class trainables, stop criteria, resources and checkpoints', { timeout: 60_000 }, async () => {
  const grid = await new Tuner(tune.withResources(Growth, { CPU: 1 }), {
    paramSpace: { rate: tune.gridSearch([1, 2]) },
    runConfig: { name: 'class', storagePath, stop: { value: 4 }, checkpointConfig: { checkpointFrequency: 2 } },
  }).fit();
  assert.equal(grid.numTerminated, 2);
  const byRate = (r: number) => grid.results.find((x) => x.config.rate === r)!;
  assert.equal(byRate(1).metrics?.trainingIteration, 4);
  assert.equal(byRate(2).metrics?.trainingIteration, 2);
  assert.deepEqual(byRate(1).checkpoint?.toDict(), { v: 4 });
  assert.ok(existsSync(join(byRate(1).path, 'checkpoint_000004', 'checkpoint.json')));
});

test('options are checked at the call site', () => {
  assert.throws(() => new Tuner(quadratic, { tuneConfig: { metric: 'loss' } }), /metric and tuneConfig.mode go together/);
  assert.throws(() => new Tuner(quadratic, { tuneConfig: { numSamples: 0 } }), /tuneConfig.numSamples must be an integer >= 1/);
  assert.throws(() => new Tuner(quadratic, { tuneConfig: { bogus: 1 } as never }), /tuneConfig.bogus is not an option/);
  assert.throws(() => tune.withResources(quadratic, { CPU: -1 }), RangeError);
});

test('trials run in parallel in actors, and actors are reused', { timeout: 60_000 }, async () => {
  // The first two trials wait for each other (a rendezvous through files, not timing): both meet only if they run at once.
  const dir = mkdtempSync(join(storagePath, 'meet-'));
  const grid = await new Tuner(meet, {
    paramSpace: { dir, n: 2, k: tune.gridSearch([1, 2, 3, 4]) },
    tuneConfig: { maxConcurrentTrials: 2 },
    runConfig: { name: 'parallel', storagePath },
  }).fit();
  const m = grid.results.map((r) => r.metrics as { met: boolean; pid: number; trial: string });
  assert.ok(m[0]!.met && m[1]!.met, 'the first two trials ran at the same time');
  assert.notEqual(m[0]!.pid, process.pid);
  assert.deepEqual(m.map((x) => x.trial), grid.results.map((r) => r.trialId));
  assert.ok(new Set(m.map((x) => x.pid)).size <= 2, 'four trials in at most two actor processes');
  const fresh = await new Tuner(timed, {
    paramSpace: { ms: 1, k: tune.gridSearch([1, 2]) },
    tuneConfig: { maxConcurrentTrials: 1, reuseActors: false },
    runConfig: { name: 'noreuse', storagePath },
  }).fit();
  assert.equal(new Set(fresh.results.map((r) => r.metrics?.pid)).size, 2);
});

test('the README example runs', { timeout: 60_000 }, () => {
  const example = fileURLToPath(new URL('../examples/quickstart.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', example, storagePath], { encoding: 'utf8', timeout: 55_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /best config \{"lr":[\d.e-]+,"width":(32|64|128)\} loss [\d.]+/);
  assert.match(r.stdout, /12 trials, 0 errors/);
});

test('a trainable that is not exported fails before any trial starts', { timeout: 30_000 }, async () => {
  const notExported = async () => {};
  await assert.rejects(
    new Tuner(notExported, { runConfig: { name: 'unexported', storagePath } }).fit(),
    (e: unknown) => e instanceof TrainableNotFoundError && /notExported/.test(e.message) && /export it/.test(e.message),
  );
});

test('tune.report misuse: outside a trial, or not awaited', { timeout: 30_000 }, async () => {
  await assert.rejects(tune.report({ a: 1 }), /outside a trial/);
  const grid = await new Tuner(noAwait, { runConfig: { name: 'noawait', storagePath } }).fit();
  assert.equal(grid.numErrors, 1);
  assert.match(grid.errors[0]!.message, /await each tune.report/);
});
