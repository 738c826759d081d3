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

test('distributed-training trains on 2 workers with identical weights, keeps checkpoints and reloads the best', { timeout: 240_000 }, async () => {
  const storage = mkdtempSync(join(tmpdir(), 'distributed-training-test-'));
  try {
    const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--epochs', '3', '--rows', '3072', '--storage', storage], { timeout: 230_000 });
    assert.match(stdout, /^training: 2 workers, 3,072 examples, global batch 64, 3 epochs$/m);
    const epochs = [...stdout.matchAll(/^epoch (\d): loss ([\d.]+) accuracy ([\d.]+) \((\d+) steps; workers hold identical weights: (\w+)\)$/gm)];
    assert.deepEqual(epochs.map((m) => Number(m[1])), [0, 1, 2], stdout);
    for (const m of epochs) {
      assert.equal(m[5], 'yes');
      assert.equal(Number(m[4]), 3072 / 64, 'steps per epoch = examples / global batch');
    }
    assert.ok(Number(epochs.at(-1)![2]) < Number(epochs[0]![2]), 'loss went down');
    assert.ok(Number(epochs.at(-1)![3]) >= 0.9, `learned: ${epochs.at(-1)![3]}`);
    assert.match(stdout, /^best checkpoint checkpoint_\d{6} \(epoch \d\) reloaded: accuracy [\d.]+ \(as reported: yes\)$/m);
    const lines = readFileSync(join(storage, 'mlp', 'result.json'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 3, 'the JSON logger wrote one line per report');
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
});
