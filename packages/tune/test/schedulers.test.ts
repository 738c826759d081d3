import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ASHAScheduler, MedianStoppingRule, percentile, Tuner, tune } from '../src/index.js';
import { forever } from './fixtures/trainables.js';

const storagePath = mkdtempSync(join(tmpdir(), 'tune-sched-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

/** Last trainingIteration of each trial, keyed by config.x. */
function stoppedAt(results: readonly { config: Record<string, unknown>; metrics?: Record<string, unknown> }[]): Record<string, unknown> {
  return Object.fromEntries(results.map((r) => [String(r.config.x), r.metrics?.trainingIteration]));
}

test('ASHA rungs and percentile', () => {
  assert.deepEqual(new ASHAScheduler({ gracePeriod: 1, reductionFactor: 3, maxT: 27 }).milestones, [1, 3, 9, 27]);
  assert.deepEqual(new ASHAScheduler({ gracePeriod: 2, reductionFactor: 2, maxT: 10 }).milestones, [2, 4, 8]);
  assert.equal(percentile([-6, -5, -4, -3], 50), -4.5);
  assert.throws(() => new ASHAScheduler({ reductionFactor: 1 }), /reductionFactor must be > 1/);
  assert.throws(() => new ASHAScheduler({ gracePeriod: 10, maxT: 5 }), RangeError);
});

test('ASHA stops bad trials at the expected rungs', { timeout: 60_000 }, async () => {
  // One trial at a time, so each meets the values recorded by all earlier ones. loss = x (min).
  // Rungs 1, 2, 4, 8 (maxT). x=6 is below the median at rung 1 (of 5, 4, 3); x=4.5 passes rung 1
  // (median of 5,4,3,6 is 4.5) and fails rung 2 (median of 5, 4, 3 is 4). The rest run to maxT.
  const grid = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([5, 4, 3, 6, 4.5, 1]) },
    tuneConfig: { metric: 'loss', mode: 'min', maxConcurrentTrials: 1, scheduler: new ASHAScheduler({ gracePeriod: 1, reductionFactor: 2, maxT: 8 }) },
    runConfig: { name: 'asha', storagePath },
  }).fit();
  assert.equal(grid.numErrors, 0);
  assert.deepEqual(stoppedAt(grid.results), { 5: 8, 4: 8, 3: 8, 6: 1, 4.5: 2, 1: 8 });
  assert.equal(grid.getBestResult().config.x, 1);
});

test('ASHA in max mode with concurrent trials keeps the best', { timeout: 60_000 }, async () => {
  const grid = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([8, 7, 6, 5, 4, 3, 2, 1]), sleepMs: 5 },
    tuneConfig: { metric: 'loss', mode: 'max', maxConcurrentTrials: 2, scheduler: new ASHAScheduler({ gracePeriod: 1, reductionFactor: 2, maxT: 4 }) },
    runConfig: { name: 'asha-max', storagePath },
  }).fit();
  const at = stoppedAt(grid.results);
  // Each later trial is worse than the ones recorded before it, whatever the interleaving.
  assert.equal(at[8], 4);
  assert.equal(at[1], 1);
  assert.equal(grid.getBestResult().config.x, 8);
});

test('median stopping rule stops a trial below the median of the others', { timeout: 60_000 }, async () => {
  // At iteration 2, x=5 is worse than the median (1.5) of trials x=1 and x=2; x=1.5 is not worse
  // than the median (2) of 1, 2 and 5.
  const grid = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([1, 2, 5, 1.5]) },
    tuneConfig: {
      metric: 'loss',
      mode: 'min',
      maxConcurrentTrials: 1,
      scheduler: new MedianStoppingRule({ timeAttr: 'trainingIteration', gracePeriod: 2, minSamplesRequired: 2 }),
    },
    runConfig: { name: 'median', storagePath, stop: { i: 6 } },
  }).fit();
  assert.deepEqual(stoppedAt(grid.results), { 1: 6, 2: 6, 5: 2, 1.5: 6 });
});

test('stop function and time budget', { timeout: 60_000 }, async () => {
  const grid = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([1, 2]) },
    runConfig: { name: 'stopfn', storagePath, stop: (_id, r) => r.trainingIteration >= (r.loss as number) * 3 },
  }).fit();
  assert.deepEqual(stoppedAt(grid.results), { 1: 3, 2: 6 });
  const t0 = Date.now();
  const timed = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([1, 2, 3, 4, 5, 6]), sleepMs: 50 },
    tuneConfig: { timeBudgetS: 1, maxConcurrentTrials: 2 },
    runConfig: { name: 'budget', storagePath },
  }).fit();
  assert.ok(Date.now() - t0 < 5000);
  assert.ok(timed.results.length >= 2);
  assert.ok(timed.results.every((r) => r.status === 'TERMINATED'));
});
