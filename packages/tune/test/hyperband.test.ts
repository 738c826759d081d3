import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HyperBandScheduler, Tuner, tune, type TrialControl, type TrialInfo, type TrialResult } from '../src/index.js';
import { forever, stepper } from './fixtures/trainables.js';

const r = (trainingIteration: number, loss: number): TrialResult => ({ trainingIteration, timeTotalS: trainingIteration, loss });

/** A fake controller: trials are PAUSED when told, stopped ones recorded. */
function fakeControl(): TrialControl & { stopped: string[]; finished: boolean } {
  const c = {
    stopped: [] as string[],
    finished: false,
    getTrial: () => undefined,
    trials: () => [],
    searchFinished: () => c.finished,
    stopTrial: (id: string) => void c.stopped.push(id),
    exploit: () => {},
  };
  return c;
}

test('HyperBand brackets follow Ray (maxT 9, eta 3)', () => {
  const s = new HyperBandScheduler({ maxT: 9, reductionFactor: 3, metric: 'loss', mode: 'min' });
  assert.equal(s.sMax1, 3);
  for (let i = 0; i < 17; i++) s.onTrialAdd(`t${i}`);
  assert.deepEqual(s.brackets.map((b) => [b.n0, b.r0, b.s]), [[3, 9, 0], [5, 3, 1], [9, 1, 2]]);
  s.onTrialAdd('t17');
  assert.equal(s.brackets.length, 4, 'a new band starts');
  assert.throws(() => new HyperBandScheduler({ reductionFactor: 1 }), /reductionFactor must be > 1/);
  assert.throws(() => new HyperBandScheduler({ maxT: -1 }), /options.maxT must be a number > 0/);
});

test('HyperBand pauses at the rung, then halves: good ones resume, bad ones stop (fake controller)', () => {
  const s = new HyperBandScheduler({ maxT: 3, reductionFactor: 3 });
  s.setSearchProperties('loss', 'min');
  const c = fakeControl();
  // sMax1 = 2: bracket 0 takes 2 trials to 3; bracket 1 takes 3 trials with a first budget of 1.
  for (const id of ['a', 'b', 'c', 'd', 'e']) s.onTrialAdd(id);
  assert.equal(s.onTrialResult('a', r(1, 1), c), 'CONTINUE');
  assert.equal(s.onTrialResult('a', r(3, 1), c), 'STOP', 'maxT');
  assert.equal(s.onTrialResult('c', r(1, 5), c), 'PAUSE');
  assert.equal(s.onTrialResult('d', r(1, 2), c), 'PAUSE');
  assert.equal(s.onTrialResult('e', r(1, 9), c), 'STOP', 'the last to reach the rung is the worst');
  assert.deepEqual(c.stopped, ['c']);
  const paused = (id: string): TrialInfo => ({ trialId: id, config: {}, status: 'PAUSED', lastResult: undefined, checkpointIteration: 1 });
  assert.equal(s.chooseTrialToRun([paused('d')], c), 'd', 'the best resumes');
  assert.equal(s.onTrialResult('d', r(2, 2), c), 'CONTINUE');
  assert.equal(s.onTrialResult('d', r(3, 2), c), 'STOP');
});

test('HyperBand halves a bracket the search could not fill once the search is finished', () => {
  const s = new HyperBandScheduler({ maxT: 3, reductionFactor: 3, metric: 'loss', mode: 'max' });
  const c = fakeControl();
  for (const id of ['a', 'b', 'c', 'd']) s.onTrialAdd(id);
  s.onTrialResult('a', r(3, 1), c);
  s.onTrialResult('b', r(3, 1), c);
  assert.equal(s.onTrialResult('c', r(1, 1), c), 'PAUSE');
  assert.equal(s.onTrialResult('d', r(1, 2), c), 'PAUSE', 'bracket of 3 has 2: waits');
  c.finished = true;
  const paused = (id: string): TrialInfo => ({ trialId: id, config: {}, status: 'PAUSED', lastResult: undefined, checkpointIteration: 1 });
  assert.equal(s.chooseTrialToRun([paused('c'), paused('d')], c), 'd');
  assert.deepEqual(c.stopped, ['c']);
});

const storagePath = mkdtempSync(join(tmpdir(), 'tune-hb-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

test('HyperBand in a sweep: bad trials stop at the rung, good ones resume from their checkpoints', { timeout: 90_000 }, async () => {
  // maxT 9, eta 3: bracket 0 = the first 3 trials (run to 9), bracket 1 = the next 5 (rung 3,
  // keep ceil(5/3) = 2, then 9). loss = x, so in bracket 1 x = 2 and x = 3 go on.
  const xs = [7, 8, 9, 5, 2, 6, 3, 4];
  const hooks = new Map<string, string[]>();
  const hook = (id: string, h: string) => hooks.set(id, [...(hooks.get(id) ?? []), h]);
  const logger = () => {
    let id = '';
    return { setup: (run: { name: string }) => void hook((id = run.name), 'setup'), teardown: () => void hook(id, 'teardown') };
  };
  const grid = await new Tuner(stepper, {
    paramSpace: { x: tune.gridSearch(xs) },
    tuneConfig: { metric: 'loss', mode: 'min', maxConcurrentTrials: 2, scheduler: new HyperBandScheduler({ maxT: 9, reductionFactor: 3 }) },
    runConfig: { name: 'hyperband', storagePath, callbacks: [logger] },
  }).fit();
  for (const t of grid.results) {
    assert.deepEqual(hooks.get(t.trialId), ['setup', 'teardown'], 'a paused trial keeps its logger: one setup, one teardown');
    const rows = readFileSync(join(t.path, 'progress.csv'), 'utf8').trim().split('\n').length - 1;
    assert.equal(rows, t.metricsHistory.length, 'progress.csv follows the rewritten history');
  }
  assert.equal(grid.numErrors, 0);
  const at = Object.fromEntries(grid.results.map((t) => [t.config.x, t.metrics?.trainingIteration]));
  assert.deepEqual(at, { 7: 9, 8: 9, 9: 9, 5: 3, 2: 9, 6: 3, 3: 9, 4: 3 });
  // The bracket is halved on the result of the last trial to reach the rung: that one goes on
  // without a pause; the other four were paused, so at least one good trial was resumed.
  let resumed = 0;
  for (const x of [2, 3]) {
    const t = grid.results.find((q) => q.config.x === x)!;
    assert.deepEqual(t.metricsHistory.map((m) => m.trainingIteration), [1, 2, 3, 4, 5, 6, 7, 8, 9], 'no iteration lost or repeated');
    const fourth = t.metricsHistory[3]!;
    if (fourth.from === 3) {
      resumed++;
      assert.equal(fourth.iterationsSinceRestore, 1, 'resumed from the checkpoint at the rung');
    } else {
      assert.equal(fourth.iterationsSinceRestore, 4, 'not paused: it was the last to reach the rung');
    }
    assert.equal(t.status, 'TERMINATED');
  }
  assert.ok(resumed >= 1, 'a paused good trial resumed from its checkpoint');
  assert.ok(grid.results.every((t) => t.status === 'TERMINATED'));
});

test('HyperBand without checkpoints: resumed trials start again (history rewritten), still stop at maxT', { timeout: 60_000 }, async () => {
  const grid = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([1, 2, 3, 1, 2]) },
    tuneConfig: { metric: 'loss', mode: 'min', maxConcurrentTrials: 2, scheduler: new HyperBandScheduler({ maxT: 3, reductionFactor: 3 }) },
    runConfig: { name: 'hyperband-nockpt', storagePath },
  }).fit();
  const last = grid.results.map((t) => t.metrics?.trainingIteration);
  assert.deepEqual(last, [3, 3, 1, 3, 1]);
  assert.deepEqual(grid.results[3]!.metricsHistory.map((m) => m.trainingIteration), [1, 2, 3]);
});
