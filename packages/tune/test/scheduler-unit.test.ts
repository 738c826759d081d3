import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASHAScheduler, MedianStoppingRule, type TrialResult } from '../src/index.js';

const r = (trainingIteration: number, loss: number): TrialResult => ({ trainingIteration, timeTotalS: trainingIteration, loss });

test('ASHA decides per rung without actors (reduction factor 3)', () => {
  const s = new ASHAScheduler({ gracePeriod: 1, reductionFactor: 3, maxT: 9 });
  s.setSearchProperties('loss', 'min');
  assert.deepEqual(s.milestones, [1, 3, 9]);
  // Each trial is compared with those recorded before it: better ones always pass.
  for (const [id, loss] of [['c', 3], ['b', 2], ['a', 1]] as const) assert.equal(s.onTrialResult(id, r(1, loss)), 'CONTINUE', id);
  assert.equal(new ASHAScheduler({ mode: 'min', metric: 'loss' }).onTrialResult('x', r(1, 1)), 'CONTINUE');
  // rung 1 holds 1, 2, 3: the 2/3 quantile (for min: of -1, -2, -3) is -1.667; 1.5 passes, 2.5 fails.
  assert.equal(s.onTrialResult('d', r(1, 1.5)), 'CONTINUE');
  assert.equal(s.onTrialResult('e', r(1, 2.5)), 'STOP');
  assert.equal(s.onTrialResult('a', r(2, 1)), 'CONTINUE', 'between rungs');
  assert.equal(s.onTrialResult('a', r(3, 1)), 'CONTINUE', 'first at rung 3');
  assert.equal(s.onTrialResult('b', r(3, 2)), 'STOP', 'worse than a at rung 3');
  assert.equal(s.onTrialResult('a', r(9, 1)), 'STOP', 'maxT');
});

test('ASHA needs a metric and mode', () => {
  assert.throws(() => new ASHAScheduler().setSearchProperties(undefined, undefined), /needs a metric and a mode/);
  assert.throws(() => new ASHAScheduler({ mode: 'best' as never }), /mode must be 'min' or 'max'/);
});

test('median stopping rule with fakes', () => {
  const s = new MedianStoppingRule({ timeAttr: 'trainingIteration', metric: 'loss', mode: 'max', gracePeriod: 1, minSamplesRequired: 1 });
  s.setSearchProperties(undefined, undefined);
  assert.equal(s.onTrialResult('a', r(1, 10)), 'CONTINUE', 'no other trial yet');
  assert.equal(s.onTrialResult('b', r(1, 5)), 'STOP', 'best 5 < median 10');
  assert.equal(s.onTrialResult('c', r(1, 20)), 'CONTINUE');
});
