import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { ASHAScheduler, Tuner, TuneRestoreError, tune, type ExperimentState } from '../src/index.js';
import { ashaOptions } from './fixtures/sweep-script.js';
import { counter, forever, Growth } from './fixtures/trainables.js';

const storagePath = mkdtempSync(join(tmpdir(), 'tune-restore-'));
const script = fileURLToPath(new URL('./fixtures/sweep-script.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => {
  ray.shutdown();
  rmSync(storagePath, { recursive: true, force: true });
});

function readState(dir: string): ExperimentState | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'experiment_state.json'), 'utf8')) as ExperimentState;
  } catch {
    return undefined;
  }
}

test('restore after a SIGKILL of the driver does not rerun finished trials', { timeout: 120_000 }, async () => {
  const log = join(storagePath, 'starts.log');
  const dir = join(storagePath, 'killed');
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', script, storagePath, log], { stdio: 'inherit' });
  let state: ExperimentState | undefined;
  for (let i = 0; i < 600; i++) {
    await sleep(50);
    state = readState(dir);
    const done = state?.trials.filter((t) => t.status === 'TERMINATED').length ?? 0;
    const running = state?.trials.filter((t) => t.status === 'RUNNING' && t.checkpoint).length ?? 0;
    if (done >= 2 && running >= 1) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  state = readState(dir)!;
  const finishedBefore = state.trials.filter((t) => t.status === 'TERMINATED').map((t) => t.config.id as number);
  const ckptBefore = new Map(state.trials.filter((t) => t.status === 'RUNNING').map((t) => [t.config.id as number, t.checkpoint?.iteration ?? 0]));
  assert.ok(finishedBefore.length >= 2 && finishedBefore.length < 6, `killed mid-sweep (${finishedBefore.length} finished)`);
  const startsBefore = readFileSync(log, 'utf8').trim().split('\n').length;

  const tuner = await Tuner.restore(dir, counter);
  const grid = await tuner.fit();
  assert.equal(grid.length, 6);
  assert.equal(grid.numTerminated, 6);
  for (const r of grid.results) {
    assert.equal(r.metrics?.value, 6, `trial ${r.config.id} counted to 6`);
    assert.deepEqual(r.metricsHistory.map((m) => m.trainingIteration), [1, 2, 3, 4, 5, 6]);
  }
  const starts = readFileSync(log, 'utf8').trim().split('\n').slice(startsBefore).map((l) => l.split(' ').map(Number).slice(1));
  const restartedIds = starts.map(([id]) => id!);
  for (const id of finishedBefore) assert.ok(!restartedIds.includes(id), `finished trial ${id} was not rerun`);
  for (const [id, from] of starts) {
    if (ckptBefore.has(id!)) assert.equal(from, ckptBefore.get(id!), `trial ${id} resumed from its checkpoint`);
    else assert.equal(from, 0, `trial ${id} started fresh`);
  }
  assert.equal(starts.length, 6 - finishedBefore.length);
});

test('after a SIGKILL, the restored ASHA scheduler stops trials with the rung values recorded before the kill', { timeout: 150_000 }, async () => {
  const dir = join(storagePath, 'killed-asha');
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', script, storagePath, '-', 'asha'], { stdio: 'inherit' });
  let state: ExperimentState | undefined;
  for (let i = 0; i < 1200; i++) {
    await sleep(50);
    state = readState(dir);
    if (state?.trials.some((t) => t.config.x === 1 && t.status === 'TERMINATED')) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  state = readState(dir)!;
  const saved = state.schedulerState as { scheduler: string; state: { rungs: { milestone: number; recorded: [string, number][] }[] } };
  assert.equal(saved.scheduler, 'ASHAScheduler');
  const rung1 = saved.state.rungs.find((r) => r.milestone === 1)!;
  assert.ok(rung1.recorded.length >= 1, 'x = 1 was recorded at rung 1 before the kill');
  const finished = state.trials.filter((t) => t.status === 'TERMINATED').length;
  assert.ok(finished < 6, `killed mid-sweep (${finished} of 6 finished)`);

  // A fresh ASHA would let the first trial after the restore run to maxT (its rungs would be empty).
  const grid = await (await Tuner.restore(dir, forever, { scheduler: new ASHAScheduler(ashaOptions) })).fit();
  assert.equal(grid.numTerminated, 6);
  const stoppedAt = Object.fromEntries(grid.results.map((t) => [t.config.x, t.metrics?.trainingIteration]));
  assert.deepEqual(stoppedAt, { 1: 4, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1 });

  // Restoring without the scheduler says what to pass.
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    await (await Tuner.restore(dir, forever)).fit();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
  }
  assert.ok(warnings.some((m) => /scheduled by ASHAScheduler, but no scheduler was passed.*new ASHAScheduler/.test(m)), warnings.join('; '));
});

test('restore of a directory without state fails clearly', async () => {
  await assert.rejects(Tuner.restore(join(storagePath, 'nope'), counter), TuneRestoreError);
});

test('an unfinished class trial resumes from its checkpoint (loadCheckpoint)', { timeout: 60_000 }, async () => {
  const first = await new Tuner(Growth, {
    paramSpace: { rate: tune.gridSearch([1, 10]) },
    runConfig: { name: 'class-restore', storagePath, checkpointConfig: { checkpointFrequency: 2 } },
  }).fit();
  assert.equal(first.numTerminated, 2);
  // Pretend the driver died after iteration 4 of the first trial: RUNNING, last checkpoint at 4.
  const dir = join(storagePath, 'class-restore');
  const state = readState(dir)!;
  const t0 = state.trials[0]!;
  t0.status = 'RUNNING';
  t0.checkpoint = { iteration: 4, timeTotalS: 0, dir: join(dir, t0.trialId, 'checkpoint_000004') };
  writeFileSync(join(dir, 'experiment_state.json'), JSON.stringify(state));
  const grid = await (await Tuner.restore(dir, Growth)).fit();
  const r0 = grid.results[0]!;
  assert.equal(r0.status, 'TERMINATED');
  assert.deepEqual(r0.metricsHistory.map((m) => [m.trainingIteration, m.value, m.iterationsSinceRestore]), [
    [1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4], [5, 5, 1],
  ]);
  assert.deepEqual(grid.results[1]!.metricsHistory, first.results[1]!.metricsHistory, 'the finished trial is kept as it was');
});
