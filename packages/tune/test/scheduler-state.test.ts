import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ASHAScheduler, ConcurrencyLimiter, HyperBandScheduler, MedianStoppingRule, PopulationBasedTraining, TPESearcher, tune,
  type ResumableScheduler, type TrialControl, type TrialInfo, type TrialResult,
} from '../src/index.js';

const r = (trainingIteration: number, loss: number): TrialResult => ({ trainingIteration, timeTotalS: trainingIteration, loss });
/** What experiment_state.json does to a state. */
const viaJson = (s: ResumableScheduler): unknown => JSON.parse(JSON.stringify(s.save()));

/** A fake controller that records stops and exploits. */
function fakeControl(ids: string[]): TrialControl & { stopped: string[]; exploits: string[] } {
  const info = (id: string): TrialInfo => ({ trialId: id, config: { lr: 1 }, status: 'RUNNING', lastResult: undefined, checkpointIteration: 1 });
  const c = {
    stopped: [] as string[],
    exploits: [] as string[],
    getTrial: (id: string) => info(id),
    trials: () => ids.map(info),
    searchFinished: () => false,
    stopTrial: (id: string) => void c.stopped.push(id),
    exploit: (id: string, donor: string) => void c.exploits.push(`${id}<-${donor}`),
  };
  return c;
}

test('ASHA: a restored scheduler stops at a rung with the values recorded before', () => {
  const make = () => {
    const s = new ASHAScheduler({ gracePeriod: 1, reductionFactor: 2, maxT: 8 });
    s.setSearchProperties('loss', 'min');
    return s;
  };
  const a = make();
  for (const [id, loss] of [['a', 1], ['b', 2]] as const) a.onTrialResult(id, r(1, loss));
  a.onTrialResult('a', r(2, 1));
  const b = make();
  b.restore(viaJson(a));
  assert.deepEqual(b.save(), a.save());
  assert.equal(b.onTrialResult('c', r(1, 3)), 'STOP', 'worse than the median of 1 and 2 recorded before the save');
  assert.equal(b.onTrialResult('b', r(2, 2)), 'STOP', 'rung 2 holds a = 1');
  assert.equal(make().onTrialResult('c', r(1, 3)), 'CONTINUE', 'a fresh scheduler would let it go on');
  assert.throws(() => b.restore({ kind: 'pbt' }), /ASHAScheduler.restore\(state\) needs the state saved by ASHAScheduler.save/);
});

test('MedianStoppingRule: histories survive save/restore', () => {
  const make = () => new MedianStoppingRule({ timeAttr: 'trainingIteration', metric: 'loss', mode: 'min', gracePeriod: 1, minSamplesRequired: 2 });
  const a = make();
  for (const [id, loss] of [['a', 1], ['b', 2]] as const) for (let i = 1; i <= 3; i++) a.onTrialResult(id, r(i, loss));
  const b = make();
  b.restore(viaJson(a));
  assert.equal(b.onTrialResult('c', r(1, 5)), 'STOP');
  assert.equal(make().onTrialResult('c', r(1, 5)), 'CONTINUE');
});

test('HyperBand: brackets, budgets and paused trials survive save/restore', () => {
  const make = () => {
    const s = new HyperBandScheduler({ maxT: 9, reductionFactor: 3 });
    s.setSearchProperties('loss', 'min');
    return s;
  };
  const ids = ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'];
  const a = make();
  const ca = fakeControl(ids);
  for (const id of ids) a.onTrialAdd(id);
  // Bracket 1 (t3..t7, rung 3): four reach the rung and pause.
  for (const [id, loss] of [['t3', 5], ['t4', 2], ['t5', 6], ['t6', 3]] as const) assert.equal(a.onTrialResult(id, r(3, loss), ca), 'PAUSE');
  const b = make();
  b.restore(viaJson(a));
  assert.deepEqual(b.save(), a.save());
  const cb = fakeControl(ids);
  // The last trial of the bracket reaches the rung: the halving uses the four recorded before.
  assert.equal(b.onTrialResult('t7', r(3, 4), cb), 'STOP', 't7 is not among the best 2 of 5');
  assert.deepEqual(cb.stopped.sort(), ['t3', 't5']);
  const paused = (id: string): TrialInfo => ({ trialId: id, config: {}, status: 'PAUSED', lastResult: undefined, checkpointIteration: 3 });
  assert.ok(['t4', 't6'].includes(b.chooseTrialToRun([paused('t4'), paused('t6')], cb)!), 'a good trial resumes');
});

test('PBT: the population, the exploit count and the RNG survive save/restore', () => {
  const make = () => {
    const s = new PopulationBasedTraining({ timeAttr: 'trainingIteration', perturbationInterval: 2, quantileFraction: 0.5, resampleProbability: 0, hyperparamMutations: { lr: [1, 2, 3] }, seed: 7 });
    s.setSearchProperties('loss', 'min');
    return s;
  };
  const ids = ['a', 'b', 'c', 'd'];
  const a = make();
  const ca = fakeControl(ids);
  for (const id of ids) a.onTrialAdd(id);
  for (const [id, loss] of [['a', 1], ['b', 2], ['c', 3]] as const) a.onTrialResult(id, r(2, loss), ca);
  const b = make();
  b.restore(viaJson(a));
  const [ca2, cb] = [fakeControl(ids), fakeControl(ids)];
  assert.equal(a.onTrialResult('d', r(2, 4), ca2), b.onTrialResult('d', r(2, 4), cb));
  assert.deepEqual(cb.exploits, ca2.exploits, 'same donor (same RNG position and scores)');
  assert.equal(cb.exploits.length, 1, 'd, the worst, exploits a trial scored before the save');
  assert.equal(b.numPerturbations, a.numPerturbations);
  assert.deepEqual(b.save(), a.save());
});

test('TPE and ConcurrencyLimiter keep their live trials across save/restore', () => {
  const space = { x: tune.uniform(0, 1) };
  const setup = { paramSpace: space, numSamples: 4, metric: 'loss', mode: 'min' as const };
  const a = new ConcurrencyLimiter(new TPESearcher({ seed: 1, nInitialPoints: 1 }), { maxConcurrent: 2 });
  a.setup(setup);
  a.suggest('t0');
  a.suggest('t1');
  const b = new ConcurrencyLimiter(new TPESearcher({ seed: 1, nInitialPoints: 1 }), { maxConcurrent: 2 });
  b.setup(setup);
  b.restore(JSON.parse(JSON.stringify(a.save())));
  assert.equal(typeof b.suggest('t2'), 'symbol', 'two trials are still live: SUGGEST_LATER');
  b.onTrialComplete('t0', { loss: 0.5 });
  const saved = b.save() as { searcher: { observations: unknown[]; remaining: number } };
  assert.equal(saved.searcher.observations.length, 1, 'the live trial that completed after the restore is observed');
  assert.equal(saved.searcher.remaining, 2, 'only configs never handed out are left');
});
