/**
 * The dashboard page, served by every node's HTTP endpoint at `/`: the files that
 * `@ray-ts/dashboard` builds into its `dist/` at install. Core only reads those files
 * (it imports no front-end code); without them `/` answers how to build them, and
 * `/metrics` and `/api/v0/` work as before.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

let distDir: string | null | undefined;

/** The dashboard's built files (`@ray-ts/dashboard/dist`), or null when the package is not installed. */
export function dashboardDir(): string | null {
  if (distDir === undefined) {
    try {
      distDir = join(dirname(createRequire(import.meta.url).resolve('@ray-ts/dashboard/package.json')), 'dist');
    } catch {
      distDir = null;
    }
  }
  return distDir;
}

/** Answers `GET <pathname>` with a dashboard file; false when no such file (the caller answers 404). */
export async function serveDashboardFile(pathname: string, res: ServerResponse): Promise<boolean> {
  const name = pathname === '/' ? 'index.html' : pathname.slice(1);
  // Only the flat files of dist/: no directories, so no way out of it.
  const ext = /^[\w-]+(\.[\w-]+)*(\.\w+)$/.exec(name)?.[2];
  if (!ext || !TYPES[ext]) return false;
  const dir = dashboardDir();
  let body: Buffer;
  try {
    if (!dir) throw new Error('not installed');
    body = await readFile(join(dir, name));
  } catch {
    if (name !== 'index.html') return false;
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('The ray-ts dashboard is not built. Run `pnpm install` (which builds @ray-ts/dashboard), or `pnpm --filter @ray-ts/dashboard build`.\n'
      + 'The state API is at /api/v0/ and the metrics at /metrics.\n');
    return true;
  }
  res.writeHead(200, {
    'content-type': TYPES[ext]!, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff',
    // The page loads nothing from elsewhere.
    ...(ext === '.html' ? { 'content-security-policy': "default-src 'self'; img-src 'self' data:" } : {}),
  });
  res.end(body);
  return true;
}
