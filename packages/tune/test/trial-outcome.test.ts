/** A trial's kept checkpoints with their metrics (Ray's Result.best_checkpoints / get_best_checkpoint). */
import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Tuner, tune } from '../src/index.js';
import { Checkpoint } from '../src/trainable/checkpoint.js';
import { saveCheckpoint } from '../src/tuner/experiment-state.js';
import { bestCheckpoint, keptCheckpoints } from '../src/tuner/trial-outcome.js';
import { noisyCurve } from './fixtures/trainables.js';

const storagePath = mkdtempSync(join(tmpdir(), 'tune-outcome-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

const kept = (pairs: [number, Record<string, unknown>][]) => pairs.map(([step, metrics]) => ({ checkpoint: Checkpoint.fromDict({ step }), metrics }));

test('bestCheckpoint: max/min by the metric, earliest among equals, non-numbers skipped, clear errors', () => {
  const list = kept([[1, { acc: 0.5, loss: 3 }], [2, { acc: 0.9, loss: 1 }], [3, { acc: 0.9, loss: 2 }], [4, { acc: 'n/a', loss: Number.NaN }]]);
  assert.deepEqual(bestCheckpoint('t', list, 'acc', 'max').toDict(), { step: 2 });
  assert.deepEqual(bestCheckpoint('t', list, 'loss', 'min').toDict(), { step: 2 });
  assert.deepEqual(bestCheckpoint('t', list, 'acc', 'min').toDict(), { step: 1 });
  assert.throws(() => bestCheckpoint('t', list, 'acc', 'up' as never), TypeError);
  assert.throws(() => bestCheckpoint('t', [], 'acc', 'max'), (e: unknown) => e instanceof RangeError && /kept no checkpoint/.test(e.message));
  assert.throws(() => bestCheckpoint('t', list, 'f1', 'max'), (e: unknown) => e instanceof RangeError && /'f1'.*acc, loss/.test(e.message));
});

test('keptCheckpoints: the checkpoint directories whose result is in the history, oldest first', async () => {
  const dir = mkdtempSync(join(storagePath, 'trial-'));
  for (const i of [3, 1, 12]) await saveCheckpoint(dir, i, { i });
  const history = [1, 2, 3].map((i) => ({ trainingIteration: i, v: i * 10 }));
  const got = await keptCheckpoints(dir, history);
  assert.deepEqual(got.map((c) => [c.checkpoint.toDict(), c.metrics.v]), [[{ i: 1 }, 10], [{ i: 3 }, 30]], 'iteration 12 has no result (redone after a restore): left out');
  assert.deepEqual(await keptCheckpoints(join(dir, 'missing'), history), []);
});

test('Tuner: each trial result has bestCheckpoints with their metrics and getBestCheckpoint(metric, mode)', { timeout: 60_000 }, async () => {
  const grid = await new Tuner(noisyCurve, {
    paramSpace: { accs: tune.gridSearch([[0.2, 0.9, 0.6, 0.4, 0.5], [0.1, 0.2, 0.3, 0.4, 0.5]]) },
    tuneConfig: { metric: 'acc', mode: 'max' },
    runConfig: { name: 'best-ckpt', storagePath, verbose: 0 },
  }).fit();
  assert.equal(grid.numErrors, 0);
  const [noisy, rising] = grid.results as [(typeof grid.results)[number], (typeof grid.results)[number]];
  assert.deepEqual(noisy.bestCheckpoints.map((c) => [c.checkpoint.toDict().step, c.metrics.acc, c.metrics.trainingIteration]), [[1, 0.2, 1], [3, 0.6, 3], [5, 0.5, 5]]);
  assert.deepEqual(noisy.getBestCheckpoint('acc', 'max').toDict(), { step: 3 }, 'step 2 had the best acc but no checkpoint');
  assert.deepEqual(noisy.checkpoint?.toDict(), { step: 5 }, 'the latest stays `checkpoint`');
  assert.deepEqual(rising.getBestCheckpoint('acc', 'max').toDict(), { step: 5 });
  assert.deepEqual(rising.getBestCheckpoint('acc', 'min').toDict(), { step: 1 });
});
