#!/usr/bin/env node
// `pnpm example <name> [args...]`: runs examples/<name>/main.ts (TypeScript via tsx) with the arguments.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const [name, ...args] = process.argv.slice(2);
const names = readdirSync(`${root}examples`).filter((d) => existsSync(`${root}examples/${d}/main.ts`));
if (!name || !names.includes(name)) {
  console.error(`usage: pnpm example <name> [args...]; the examples are ${names.join(', ')}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', `${root}examples/${name}/main.ts`, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
