/**
 * Runs the serving example as its own process (as a user would) with 24 requests and
 * checks what it prints: every answer matches onnxruntime in-process, the model saw
 * batches, and bad input got a 400.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

test('serving serves the model over HTTP with batching, and its answers match onnxruntime', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--requests', '24', '--concurrency', '8'], {
    timeout: 110_000, // the example must exit by itself
  });
  assert.match(stdout, /^serving model\.onnx at http:\/\/127\.0\.0\.1:\d+\/predict$/m);
  assert.match(stdout, /^requests: 24 answered over HTTP \(8 at a time\)$/m);
  assert.match(stdout, /^matches onnxruntime in-process: yes/m);
  const batches = /^batches seen by the model: (\d+) \(largest (\d+) requests/m.exec(stdout);
  assert.ok(batches, stdout);
  assert.ok(Number(batches[1]) <= 24 && Number(batches[2]) >= 1 && Number(batches[2]) <= 16);
  assert.match(stdout, /^bad input: HTTP 400 \{"error":"BadRequestError: x must be a list of rows of 4 numbers"\}$/m);
});
