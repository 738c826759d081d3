import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('examples/hello.ts runs and prints the greeting', { timeout: 60_000 }, async () => {
  const file = fileURLToPath(new URL('../examples/hello.ts', import.meta.url));
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--conditions=development', '--import', 'tsx', file], { timeout: 55_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  assert.match(out, /Hello, ray!/);
});
