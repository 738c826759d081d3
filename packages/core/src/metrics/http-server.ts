/**
 * A node's HTTP endpoint: the dashboard page at `/` (see ../dashboard/static-files.ts),
 * `/metrics` in Prometheus text format, and the state API as JSON under `/api/v0/` (what
 * the dashboard reads):
 *
 * - `GET /api/v0/{tasks|actors|objects|nodes|jobs|placement_groups|workers}?filter=state=RUNNING&limit=100&detail=1`
 *   → `{ rows, total, partialFailures }` (`filter` may repeat; `key!=value` too)
 * - `GET /api/v0/tasks/<taskId>` → `{ row }`
 * - `GET /api/v0/summary/{tasks|actors|objects}` → `{ summary }`
 * - `GET /api/v0/timeline` → Chrome trace JSON
 * - `GET /api/v0/logs` → `{ files }`; `GET /api/v0/logs/<nodeId>/<pid>?stream=stderr&offset=0` → `{ chunk: { data, offset } }`
 * - `GET /api/v0/jobs/<submissionId>/logs?offset=0` → `{ chunk: { data, offset, done } }` (a submitted job's driver log)
 *
 * Errors answer `{ error }` with status 400 (bad request) or 500.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { NodeManager } from '../node/node-manager.js';
import { parseFilter } from '../state/filters.js';
import { serveDashboardFile } from '../dashboard/static-files.js';

const KIND_PATHS: Record<string, string> = {
  tasks: 'tasks', actors: 'actors', objects: 'objects', nodes: 'nodes', jobs: 'jobs', placement_groups: 'placementGroups', workers: 'workers',
};

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function route(node: NodeManager, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const parts = url.pathname.split('/').filter(Boolean);
  if (req.method !== 'GET') return send(res, 405, JSON.stringify({ error: 'only GET' }));
  if (url.pathname === '/metrics') return send(res, 200, await node.metrics.text(), node.metrics.registry.contentType);
  if (parts[0] !== 'api' && (await serveDashboardFile(url.pathname, res))) return;
  if (parts[0] !== 'api' || parts[1] !== 'v0') return send(res, 404, JSON.stringify({ error: `no such endpoint ${url.pathname}; see / (dashboard), /api/v0/tasks, /metrics` }));
  const [, , a, b, c] = parts;
  let msg: Record<string, unknown> & { t: string };
  if (a === 'summary') msg = { t: 'state.summary', kind: b };
  else if (a === 'timeline') msg = { t: 'state.timeline' };
  else if (a === 'logs' && !b) msg = { t: 'state.logFiles' };
  else if (a === 'logs') msg = { t: 'state.logRead', nodeId: b, pid: Number(c), stream: url.searchParams.get('stream') ?? 'stdout', offset: Number(url.searchParams.get('offset') ?? 0) };
  else if (a === 'tasks' && b) msg = { t: 'state.getTask', taskId: b };
  else if (a === 'jobs' && b && c === 'logs') return sendJobLog(node, b, url, res);
  else if (a && KIND_PATHS[a]) {
    const limit = url.searchParams.get('limit');
    msg = {
      t: 'state.list', kind: KIND_PATHS[a], filters: url.searchParams.getAll('filter').map(parseFilter),
      ...(limit ? { limit: Number(limit) } : {}), detail: /^(1|true)$/.test(url.searchParams.get('detail') ?? ''),
    };
  } else return send(res, 404, JSON.stringify({ error: `no such endpoint ${url.pathname}` }));
  const out = await node.state.handle(msg);
  send(res, 200, JSON.stringify(a === 'timeline' ? out.trace : out));
}

/** A submitted job's driver log from `offset` (kept by the head's job manager). */
async function sendJobLog(node: NodeManager, submissionId: string, url: URL, res: ServerResponse): Promise<void> {
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const r = await node.headRequest({ t: 'gcs.jobLogs', submissionId, offset });
  if (r.error) return send(res, /offset/.test(String(r.error)) ? 400 : 404, JSON.stringify({ error: String(r.error) }));
  send(res, 200, JSON.stringify({ chunk: { data: r.data, offset: r.offset, done: r.done } }));
}

/** Starts the endpoint; resolves with the server and its `host:port`. */
export async function startHttpServer(node: NodeManager, host: string, port: number): Promise<{ server: Server; address: string }> {
  const server = createServer((req, res) => {
    route(node, req, res).catch((err: Error) => send(res, err instanceof TypeError || err instanceof RangeError ? 400 : 500, JSON.stringify({ error: err.message })));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  server.unref();
  const addr = server.address();
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { server, address: `${shown}:${typeof addr === 'object' && addr ? addr.port : port}` };
}
