import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Tuner, tune } from '../src/index.js';
import { ProgressReporter, renderProgress } from '../src/tuner/progress-reporter.js';
import type { Trial } from '../src/tuner/trial.js';
import { forever } from './fixtures/trainables.js';

const trial = (id: string, lr: number, status: Trial['status'], loss?: number): Trial => ({
  trialId: id,
  config: { lr, fixed: 1, model: { depth: 2 } },
  dir: `/tmp/${id}`,
  status,
  results: loss === undefined ? [] : [{ trainingIteration: 3, timeTotalS: 1.5, loss }],
});
const trials = [trial('t_0', 0.1, 'RUNNING', 0.5), trial('t_1', 0.01, 'TERMINATED', 0.25), trial('t_2', 0.001, 'PENDING')];

/** A fake stdout that records writes. */
function sink(isTTY: boolean): NodeJS.WritableStream & { isTTY: boolean; text: string } {
  const s = { isTTY, text: '', write: (chunk: string) => ((s.text += chunk), true) };
  return s as unknown as NodeJS.WritableStream & { isTTY: boolean; text: string };
}

test('the progress table shows statuses, the config values that differ, and the best result', () => {
  const text = renderProgress(trials, { metric: 'loss', mode: 'min' }, 2);
  assert.match(text, /3 trials: 1 RUNNING, 1 TERMINATED, 1 PENDING/);
  assert.match(text, /Best so far: t_1 with loss=0\.2500/);
  assert.match(text, /│ Trial\s+│ status\s+│ lr\s+│ iter │ total time \(s\) │ loss/);
  assert.doesNotMatch(text.split('\n').slice(2).join('\n'), /fixed|depth/, 'constant config values are left out of the table');
  assert.match(text, /t_0\s+│ RUNNING\s+│ 0\.1000 │ 3\s+│ 1\.50\s+│ 0\.5000/);
});

test('the reporter prints only on a TTY unless verbose is 2, and redraws in place', () => {
  const opts = { intervalS: 1, metric: 'loss', mode: 'min' as const };
  const pipe = sink(false);
  new ProgressReporter(() => trials, { ...opts, verbose: 1, out: pipe }).stop();
  assert.equal(pipe.text, '', 'quiet when stdout is not a TTY');
  const silent = sink(true);
  new ProgressReporter(() => trials, { ...opts, verbose: 0, out: silent }).stop();
  assert.equal(silent.text, '');
  const tty = sink(true);
  const r = new ProgressReporter(() => trials, { ...opts, verbose: 1, out: tty });
  r.print();
  assert.doesNotMatch(tty.text, /\x1b\[/);
  r.stop();
  assert.match(tty.text, /\x1b\[\d+F\x1b\[J/, 'the second table replaces the first');
  const forced = sink(false);
  new ProgressReporter(() => trials, { ...opts, verbose: 2, out: forced }).stop();
  assert.match(forced.text, /== Status ==/);
});

const storagePath = mkdtempSync(join(tmpdir(), 'tune-progress-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

test('stop on trainingIteration and a metric threshold; verbose is checked', { timeout: 60_000 }, async () => {
  assert.throws(() => new Tuner(forever, { runConfig: { verbose: 3 as never } }), /runConfig.verbose must be 0, 1 or 2/);
  assert.throws(() => new Tuner(forever, { runConfig: { progressIntervalS: 0 } }), /runConfig.progressIntervalS must be a number > 0/);
  const grid = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([1, 9]) },
    runConfig: { name: 'stop', storagePath, stop: { trainingIteration: 5, i: 3 }, verbose: 0 },
  }).fit();
  assert.deepEqual(grid.results.map((r) => r.metrics?.trainingIteration), [3, 3]);
  const byIter = await new Tuner(forever, {
    paramSpace: { x: tune.gridSearch([1]) },
    runConfig: { name: 'stop-iter', storagePath, stop: { trainingIteration: 4 }, verbose: 0 },
  }).fit();
  assert.equal(byIter.results[0]!.metrics?.trainingIteration, 4);
});
