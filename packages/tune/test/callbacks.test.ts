import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { TrialError, Tuner, TuneCallbackError, tune, type Callback, type TrialLoggerLike, type TrialReportInfo, type TrialRunInfo, type TrialRunOutcome } from '../src/index.js';
import { appendProgress, writeProgress } from '../src/tuner/progress-csv.js';
import { counter, flaky } from './fixtures/trainables.js';

const storagePath = mkdtempSync(join(tmpdir(), 'tune-callbacks-'));
before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

/** A logger with the shape of Train's TrainCallback (declared here: no @ray-ts/train import). */
class RecordingLogger {
  static all: RecordingLogger[] = [];
  run: TrialRunInfo | undefined;
  reports: TrialReportInfo[] = [];
  outcome: TrialRunOutcome | undefined;
  teardowns = 0;
  constructor() {
    RecordingLogger.all.push(this);
  }
  async setup(run: TrialRunInfo): Promise<void> {
    this.run = run;
  }
  onReport(report: TrialReportInfo): void {
    this.reports.push(report);
  }
  async teardown(outcome: TrialRunOutcome): Promise<void> {
    this.outcome = outcome;
    this.teardowns++;
  }
}

test('a logger per trial (setup, onReport, teardown) and experiment callbacks', { timeout: 60_000 }, async () => {
  RecordingLogger.all = [];
  const events: string[] = [];
  const cb: Callback = {
    onTrialStart: (t) => void events.push(`start ${t.config.fail}`),
    onTrialResult: (t, r) => void events.push(`result ${t.config.fail} ${r.trainingIteration}`),
    onTrialComplete: (t) => void events.push(`complete ${t.config.fail} ${t.status}`),
    onTrialError: (t, e) => void events.push(`error ${t.config.fail} ${e instanceof TrialError}`),
    onExperimentEnd: (trials) => void events.push(`end ${trials.length}`),
  };
  const grid = await new Tuner(flaky, {
    paramSpace: { fail: tune.gridSearch([false, true]) },
    tuneConfig: { metric: 'score', mode: 'max', maxConcurrentTrials: 1 },
    runConfig: { name: 'loggers', storagePath, verbose: 0, callbacks: [() => new RecordingLogger(), cb] },
  }).fit();
  assert.equal(grid.numErrors, 1);
  assert.equal(RecordingLogger.all.length, 2, 'one logger per trial');
  const [ok, bad] = RecordingLogger.all as [RecordingLogger, RecordingLogger];
  const okTrial = grid.results.find((r) => !r.config.fail)!;
  assert.deepEqual(ok.run, { name: okTrial.trialId, path: okTrial.path, config: { fail: false } });
  assert.deepEqual(ok.reports.map((r) => [r.iteration, r.metrics.score, r.metrics.trialId]), [[1, 1, okTrial.trialId], [2, 2, okTrial.trialId], [3, 3, okTrial.trialId]]);
  assert.ok(ok.reports.every((r) => typeof r.timestamp === 'number' && r.timestamp > 1e12 && r.checkpoint === undefined));
  assert.equal(ok.teardowns, 1);
  assert.equal(ok.outcome?.metrics?.score, 3);
  assert.equal(ok.outcome?.error, undefined);
  assert.equal(bad.reports.length, 1);
  assert.equal(bad.teardowns, 1);
  assert.ok(bad.outcome?.error instanceof TrialError, 'errored trial: teardown gets the error');
  assert.match(bad.outcome!.error!.message, /boom at 2/);
  assert.deepEqual(events, [
    'start false', 'result false 1', 'result false 2', 'result false 3', 'complete false TERMINATED',
    'start true', 'result true 1', 'error true true', 'end 2',
  ]);
  // The built-in files are still written, progress.csv included.
  const csv = readFileSync(join(okTrial.path, 'progress.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 4);
  const header = csv[0]!.split(',');
  assert.ok(header.includes('score') && header.includes('trainingIteration'));
  assert.equal(csv[3]!.split(',')[header.indexOf('score')], '3');
  assert.ok(existsSync(join(okTrial.path, 'result.json')) && existsSync(join(okTrial.path, 'params.json')));
});

test('loggers get the checkpoint directory; a throwing callback warns once and the sweep goes on', { timeout: 60_000 }, async () => {
  RecordingLogger.all = [];
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  const thrower: TrialLoggerLike = { onReport: () => { throw new Error('logger down'); } };
  try {
    const grid = await new Tuner(counter, {
      paramSpace: { id: tune.gridSearch([0, 1]), n: 2, log: join(storagePath, 'starts.log'), sleepMs: 0 },
      tuneConfig: { maxConcurrentTrials: 2 },
      runConfig: { name: 'ckpt-loggers', storagePath, verbose: 0, callbacks: [RecordingLogger, () => thrower] },
    }).fit();
    assert.equal(grid.numTerminated, 2);
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    for (const l of RecordingLogger.all) {
      assert.deepEqual(l.reports.map((r) => basename(r.checkpoint!.path)), ['checkpoint_000001', 'checkpoint_000002']);
      assert.ok(existsSync(join(l.reports[1]!.checkpoint!.path, 'checkpoint.json')));
    }
    const ours = warnings.filter((w) => w instanceof TuneCallbackError) as TuneCallbackError[];
    assert.equal(ours.length, 1, 'the same callback object warns once');
    assert.equal(ours[0]!.hook, 'onReport');
  } finally {
    process.off('warning', onWarning);
  }
});

test('runConfig.callbacks is checked at the call', () => {
  const opts = (callbacks: unknown) => ({ runConfig: { callbacks: callbacks as never } });
  assert.throws(() => new Tuner(flaky, opts({ onReport() {} })), /runConfig.callbacks must be an array/);
  assert.throws(() => new Tuner(flaky, opts([new RecordingLogger()])), /runConfig.callbacks\[0\] is a per-run logger.*\(\) => new RecordingLogger/);
  assert.throws(() => new Tuner(flaky, opts([{}])), /runConfig.callbacks\[0\] must be a logger factory/);
});

test('progress.csv widens its header when a new key appears and quotes cells', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(storagePath, 'csv-'));
  const rows: Record<string, unknown>[] = [{ a: 1, nested: { b: 2 } }];
  await writeProgress(dir, rows);
  rows.push({ a: 2, nested: { b: 3 } });
  await appendProgress(dir, rows[1]!, async () => rows);
  rows.push({ a: 3, note: 'x, "y"' });
  await appendProgress(dir, rows[2]!, async () => rows);
  assert.equal(readFileSync(join(dir, 'progress.csv'), 'utf8'), 'a,nested/b,note\n1,2,\n2,3,\n3,,"x, ""y"""\n');
});
