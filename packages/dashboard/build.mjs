#!/usr/bin/env node
// Builds the dashboard into dist/: index.html, app.js (Preact and the app, bundled and
// minified by esbuild) and style.css. Run by `pnpm install` (this package's `prepare`),
// and by `pnpm --filter @ray-ts/dashboard build` (which type-checks first).
// Nothing is fetched: every byte the page loads is in dist/.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(here, 'src', f), join(out, f));
console.log(`@ray-ts/dashboard: built ${out}`);
