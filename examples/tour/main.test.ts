/** Runs the tour as the Quick start does, restricted to one quick step, and checks its listing and report. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STEPS } from './steps.js';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const node = ['--conditions=development', '--import', 'tsx', main];

test('the tour lists every gallery example, each with a main.ts', { timeout: 30_000 }, async () => {
  const { stdout } = await run(process.execPath, [...node, '--list'], { timeout: 25_000 });
  const names = stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
  assert.deepEqual(names, STEPS.map((s) => s.name));
  assert.deepEqual(names, ['many-models', 'batch-inference', 'distributed-training', 'tuning', 'serving', 'rl', 'end-to-end', 'orchestration']);
  for (const n of names) assert.ok(existsSync(fileURLToPath(new URL(`../${n}/main.ts`, import.meta.url))), n);
});

test('the tour runs a step, streams its output under a header and reports its time', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, [...node, '--only', 'batch-inference'], { timeout: 110_000 });
  assert.match(stdout, /^━━ \[1\/1\] batch-inference: an ONNX model over Parquet on a Data actor pool \(tour at 0\.\d s\)$/m);
  assert.match(stdout, /^ {2}│ verified: yes$/m, 'the example output, indented');
  assert.match(stdout, /^ {3}✓ batch-inference in \d+\.\d s$/m);
  assert.match(stdout, /^tour: 1 of 1 examples ran in \d+\.\d s$/m);
});

test('an unknown step name is refused with the list of steps', { timeout: 30_000 }, async () => {
  await assert.rejects(run(process.execPath, [...node, '--skip', 'nope'], { timeout: 25_000 }), (err: { stderr: string }) => {
    assert.match(err.stderr, /RangeError: unknown step 'nope'; the steps are many-models, batch-inference/);
    return true;
  });
});
