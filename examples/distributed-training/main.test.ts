/** Runs the distributed-training example as its own process (as a user would) and checks what it prints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The `epoch N: ...` lines of one part of the output. */
function epochLines(part: string): { epoch: number; loss: number; accuracy: number; steps: number; same: string }[] {
  return [...part.matchAll(/^epoch (\d+): loss ([\d.]+) accuracy ([\d.]+) \((\d+) steps; workers hold identical weights: (\w+)\)$/gm)]
    .map((m) => ({ epoch: Number(m[1]), loss: Number(m[2]), accuracy: Number(m[3]), steps: Number(m[4]), same: m[5]! }));
}

test('distributed-training trains on 2 workers, reloads the best checkpoint, restores the latest and resumes training from it', { timeout: 150_000 }, async () => {
  const storage = mkdtempSync(join(tmpdir(), 'distributed-training-test-'));
  try {
    const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--epochs', '2', '--more-epochs', '1', '--rows', '2048', '--storage', storage], { timeout: 140_000 });
    const [firstPart, resumedPart] = stdout.split(/^resuming: /m);
    assert.ok(firstPart && resumedPart, `no 'resuming:' line in:\n${stdout}`);

    // First run: 2 epochs on 2 workers with identical weights, and the best checkpoint reloads as reported.
    assert.match(firstPart, /^training: 2 workers, 2,048 examples, global batch 64, 2 epochs$/m);
    const first = epochLines(firstPart);
    assert.deepEqual(first.map((e) => e.epoch), [0, 1], stdout);
    for (const e of first) {
      assert.equal(e.same, 'yes');
      assert.equal(e.steps, 2048 / 64, 'steps per epoch = examples / global batch');
    }
    assert.ok(first[1]!.loss < first[0]!.loss, 'loss went down');
    assert.ok(first[1]!.accuracy >= 0.9, `learned: ${first[1]!.accuracy}`);
    assert.match(firstPart, /^best checkpoint checkpoint_\d{6} \(epoch \d\) reloaded: accuracy [\d.]+ \(as reported: yes\)$/m);

    // Restore: the latest checkpoint (epoch 1) predicts exactly what the model predicted before saving.
    const restored = /^restored (checkpoint_\d{6}) \(epoch 1\): predictions on 4 held-out examples [\d. ]+, as before saving: yes; accuracy ([\d.]+) \(before saving ([\d.]+)\)$/m.exec(firstPart);
    assert.ok(restored, stdout);
    assert.equal(restored[2], restored[3], 'same accuracy after restoring');
    assert.equal(Number(restored[3]), first[1]!.accuracy);

    // Resume: a second fit() starts at epoch 2 from that checkpoint (not at epoch 0) and continues.
    assert.match(resumedPart, new RegExp(`^a new run 'mlp-resumed' from ${restored[1]}, up to 3 epochs$`, 'm'));
    assert.match(resumedPart, new RegExp(`^resumed from ${restored[1]} at epoch 2 \\(restored in the workers: accuracy ${restored[3]}, as saved: yes\\)$`, 'm'));
    const resumed = epochLines(resumedPart);
    assert.deepEqual(resumed.map((e) => e.epoch), [2], 'epochs continue after the checkpoint, not from 0');
    assert.equal(resumed[0]!.same, 'yes');
    assert.ok(resumed[0]!.loss < first[0]!.loss, `the resumed epoch starts from trained weights: loss ${resumed[0]!.loss} vs ${first[0]!.loss} in epoch 0`);
    const end = /^resumed result: accuracy ([\d.]+) after 3 epochs \(([\d.]+) at the checkpoint: kept or improved\), run directory (\S+)$/m.exec(resumedPart);
    assert.ok(end, stdout);
    assert.ok(Number(end[1]) >= Number(end[2]), `accuracy after the restore ${end[1]} >= before ${end[2]}`);
    assert.equal(end[3], join(storage, 'mlp-resumed'));

    // The JSON logger wrote one line per report in each run.
    assert.equal(readFileSync(join(storage, 'mlp', 'result.json'), 'utf8').trim().split('\n').length, 2);
    const resumedLines = readFileSync(join(storage, 'mlp-resumed', 'result.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(resumedLines.map((l) => l.epoch), [2]);
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
});
