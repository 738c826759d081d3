/** Runs the tuning example as its own process (as a user would) and checks what it prints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

test('tuning: an ASHA sweep of a 2-worker trainer prints the trials, the best config, the early stops and the progress table', { timeout: 90_000 }, async () => {
  const storage = mkdtempSync(join(tmpdir(), 'tuning-test-'));
  const maxT = 4;
  try {
    // The child is killed before the test's own timeout, so no cluster outlives the test.
    const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--samples', '4', '--max-t', String(maxT), '--rows', '512', '--storage', storage], { timeout: 85_000 });
    assert.match(stdout, /^sweep: 4 trials, lr ~ loguniform\(0\.0001, 0\.1\), 2 workers per trial, ASHA over epochs \(grace 1, max 4, reduction factor 2\)$/m);
    const trials = [...stdout.matchAll(/^trial (\S+): lr ([\d.e+-]+), (\d+) epochs?, accuracy ([\d.]+) \((stopped early by ASHA|ran to max epochs)\)$/gm)];
    assert.equal(trials.length, 4, stdout);
    for (const t of trials) {
      const [lr, epochs] = [Number(t[2]), Number(t[3])];
      assert.ok(lr >= 1e-4 * 0.995 && lr <= 0.1 * 1.005, `lr within the space: ${lr}`);
      if (t[5] === 'ran to max epochs') assert.equal(epochs, maxT);
      else assert.ok([1, 2].includes(epochs), `stopped at a rung (1 or 2), got ${epochs}`);
    }
    const early = trials.filter((t) => t[5] === 'stopped early by ASHA').length;
    assert.match(stdout, new RegExp(`^stopped early: ${early} of 4 trials \\(errors: 0\\)$`, 'm'));
    assert.ok(early < 4, 'the best trial ran to the end');

    const best = /^best config: (\{.*\}) \(lr [\d.e+-]+\)$/m.exec(stdout);
    assert.ok(best, stdout);
    const bestLr = (JSON.parse(best[1]!) as { trainLoopConfig: { lr: number } }).trainLoopConfig.lr;
    assert.ok(bestLr >= 1e-4 && bestLr <= 0.1, `best lr within the space: ${bestLr}`);
    const bestAcc = Number(/^best accuracy: ([\d.]+) after (\d+) epochs$/m.exec(stdout)?.[1]);
    assert.equal(bestAcc, Math.max(...trials.map((t) => Number(t[4]))), 'the best is the most accurate trial');
    assert.equal(Number(trials.find((t) => t[4] === bestAcc.toFixed(3))![2]).toExponential(2), bestLr.toExponential(2));
    assert.ok(bestAcc >= 0.8, `the best lr learned: ${bestAcc}`);

    // verbose 2: Tune's progress table is printed although stdout is a pipe; the last one has every trial done.
    assert.match(stdout, /^== Status == running for [\d.]+ s; 4 trials: 4 TERMINATED$/m);
    assert.match(stdout, /│ Trial +│ status +│ trainLoopConfig\/lr +│ iter +│ total time \(s\) +│ accuracy +│/);
    assert.equal(readdirSync(join(storage, 'asha-sweep')).filter((d) => trials.some((t) => t[1] === d)).length, 4, 'a directory per trial');
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
});
