// The page's code is type-checked with the DOM library, which the workspace's `pnpm typecheck` (Node only) does not include.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

test('the dashboard type-checks (tsc -p packages/dashboard)', { timeout: 120_000 }, async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  const out = await new Promise<string>((resolve) => execFile(process.execPath, [tsc, '-p', project], (err, stdout, stderr) => resolve(err ? `${stdout}${stderr}` : '')));
  assert.equal(out, '');
});
