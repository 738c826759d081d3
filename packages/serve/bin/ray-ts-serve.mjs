#!/usr/bin/env node
// `ray-ts-serve deploy | status | shutdown`: Serve's command line. Runs the compiled CLI when
// built; from source it runs src/cli/main.ts in a child node with tsx and the `development`
// condition, so the user's TypeScript app and @ray-ts/serve load from source like in tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(fileURLToPath(dist))) {
  await import(dist.href);
} else {
  const tsx = import.meta.resolve('tsx');
  const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--conditions=development', '--import', tsx, main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
