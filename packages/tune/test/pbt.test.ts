import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { explore, PopulationBasedTraining, Rng, Tuner, tune, type TrialControl, type TrialInfo, type TrialResult } from '../src/index.js';
import { weights } from './fixtures/trainables.js';

const settings = { resampleProbability: 0, perturbationFactors: [1.2, 0.8] as const };

test('explore: lists move to a neighbour, domains and functions scale, nested objects recurse', () => {
  const rng = new Rng(3);
  for (let i = 0; i < 20; i++) {
    const c = explore({ a: 2, lr: 0.5, n: 10, f: 1, deep: { k: 'y' }, keep: 'me', f2: 1.5 }, { a: [1, 2, 3], lr: tune.uniform(0, 1), n: tune.randint(1, 100), f: () => 7, f2: () => 0, deep: { k: ['x', 'y', 'z'] } }, rng, settings);
    assert.ok([1, 3].includes(c.a as number));
    assert.ok([0.6, 0.4].some((v) => Math.abs(v - (c.lr as number)) < 1e-12));
    assert.ok([12, 8].includes(c.n as number), 'integers stay integers');
    assert.equal(c.f, 1, 'an integer scaled by 1.2 or 0.8 rounds back');
    assert.ok([1.8, 1.2].some((v) => Math.abs(v - (c.f2 as number)) < 1e-12));
    assert.ok(['x', 'z'].includes((c.deep as { k: string }).k));
    assert.equal(c.keep, 'me');
  }
  const resampled = explore({ a: 2, f: 1 }, { a: [5], f: () => 7 }, rng, { ...settings, resampleProbability: 1 });
  assert.deepEqual(resampled, { a: 5, f: 7 });
});

test('PBT options are checked', () => {
  assert.throws(() => new PopulationBasedTraining(), /needs options.hyperparamMutations or options.customExploreFn/);
  assert.throws(() => new PopulationBasedTraining({ hyperparamMutations: { lr: [] } }), /hyperparamMutations.lr must be a non-empty list/);
  assert.throws(() => new PopulationBasedTraining({ hyperparamMutations: { lr: 3 as never } }), TypeError);
  assert.throws(() => new PopulationBasedTraining({ hyperparamMutations: { lr: [1] }, quantileFraction: 0.7 }), /quantileFraction must be in \(0, 0.5\]/);
  assert.throws(() => new PopulationBasedTraining({ hyperparamMutations: { lr: [1] }, perturbationInterval: 0 }), RangeError);
});

test('PBT exploits the top trial from the bottom quantile (fake controller)', () => {
  const trials = new Map<string, TrialInfo>();
  const exploits: [string, string, Record<string, unknown>][] = [];
  const control: TrialControl = {
    getTrial: (id) => trials.get(id),
    trials: () => [...trials.values()],
    searchFinished: () => true,
    stopTrial: () => {},
    exploit: (id, donor, config) => void exploits.push([id, donor, config]),
  };
  const info = (id: string, lr: number, status = 'RUNNING'): TrialInfo => ({ trialId: id, config: { lr }, status, lastResult: undefined, checkpointIteration: 1 });
  for (const [id, lr] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) trials.set(id, info(id, lr));
  const s = new PopulationBasedTraining({ timeAttr: 'trainingIteration', perturbationInterval: 2, quantileFraction: 0.25, resampleProbability: 0, hyperparamMutations: { lr: [1, 2, 3, 4, 5] }, seed: 1 });
  s.setSearchProperties('acc', 'max');
  const r = (i: number, acc: number): TrialResult => ({ trainingIteration: i, timeTotalS: i, acc });
  assert.equal(s.onTrialResult('a', r(1, 1), control), 'CONTINUE', 'before the interval');
  assert.equal(s.onTrialResult('a', r(2, 1), control), 'CONTINUE', 'alone: nothing to compare');
  assert.equal(s.onTrialResult('b', r(2, 2), control), 'CONTINUE', 'top of two');
  assert.equal(s.onTrialResult('c', r(2, 3), control), 'CONTINUE');
  assert.equal(s.onTrialResult('d', r(2, 4), control), 'CONTINUE');
  assert.equal(s.onTrialResult('a', r(3, 1), control), 'CONTINUE', 'between perturbation points');
  assert.equal(s.onTrialResult('a', r(4, 1), control), 'PAUSE', 'bottom quarter exploits');
  assert.deepEqual(exploits.map(([id, donor]) => [id, donor]), [['a', 'd']]);
  assert.ok([3, 5].includes(exploits[0]![2].lr as number), "a neighbour of the donor's lr");
  assert.equal(s.numPerturbations, 1);
});

const storagePath = mkdtempSync(join(tmpdir(), 'tune-pbt-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

test('PBT in a sweep: the bad trial copies the good trial\'s weights and perturbs its config', { timeout: 60_000 }, async () => {
  // One trial at a time: PBT pauses each at every perturbation point so both advance in turns.
  const pbt = new PopulationBasedTraining({
    timeAttr: 'trainingIteration',
    perturbationInterval: 2,
    quantileFraction: 0.5,
    resampleProbability: 0,
    hyperparamMutations: { lr: [0.01, 0.1, 1, 2] },
    seed: 7,
  });
  const grid = await new Tuner(weights, {
    paramSpace: { lr: tune.gridSearch([1, 0.01]) },
    tuneConfig: { metric: 'score', mode: 'max', maxConcurrentTrials: 1, scheduler: pbt },
    runConfig: { name: 'pbt', storagePath, stop: { trainingIteration: 8 } },
  }).fit();
  assert.equal(grid.numErrors, 0);
  const [good, bad] = grid.results as [(typeof grid.results)[number], (typeof grid.results)[number]];
  assert.ok(pbt.numPerturbations >= 1);
  const ck = bad.checkpoint!.toDict() as { w: number; lineage: string[] };
  assert.equal(ck.lineage[0], good.trialId, "the bad trial's weights descend from the good trial's");
  assert.ok(ck.lineage.includes(bad.trialId));
  assert.notEqual(bad.config.lr, 0.01, 'its config was perturbed');
  assert.ok([0.1, 1, 2].includes(bad.config.lr as number));
  assert.deepEqual(JSON.parse(readFileSync(join(bad.path, 'params.json'), 'utf8')), bad.config);
  const lrs = bad.metricsHistory.map((m) => m.lr);
  assert.equal(lrs[0], 0.01);
  assert.equal(lrs[lrs.length - 1], bad.config.lr, 'results after the exploit use the new config');
  assert.ok((bad.metrics!.score as number) >= 2, `score ${bad.metrics!.score} comes from copied weights, not 8 * 0.01`);
  assert.deepEqual(bad.metricsHistory.map((m) => m.trainingIteration), [1, 2, 3, 4, 5, 6, 7, 8]);
});
