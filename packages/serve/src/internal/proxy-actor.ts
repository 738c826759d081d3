/**
 * The HTTP proxy: an actor running a node:http server, so it lives in a worker of the
 * cluster rather than in the driver. It matches the longest route prefix, builds request
 * data, calls the ingress deployment through a handle router, and writes the result as
 * JSON (strings as text, bytes as octet-stream); a client that disconnects (or a timeout)
 * cancels the call, aborting `req.signal` in the replica. Errors: 404 unknown route or method, 400
 * bad JSON body, 500 a method that threw (its message in `{ "error" }`), 503 too many queued requests
 * (maxQueuedRequests), 504 timeout.
 */
import * as ray from '@ray-ts/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackPressureError, BadRequestError, RequestTimeoutError, RouteNotFoundError } from '../errors.js';
import { callDeployment } from '../handle.js';
import type { RequestData } from '../request.js';
import { clearRouters } from './router.js';

/** One application's HTTP route. */
export interface Route {
  prefix: string;
  appName: string;
  ingress: string;
  /** Methods of the ingress class's prototype (to see whether it has `__call__`). */
  methods: string[];
  timeoutS: number;
}

/** The proxy actor class. */
export class ProxyActor {
  private server: Server | undefined;
  private routes: Route[] = [];
  private address: { host: string; port: number } | undefined;

  /** Listens on host:port (0: a free port); returns the port. Idempotent. */
  async start(host: string, port: number): Promise<number> {
    if (this.address) return this.address.port;
    const server = createServer((req, res) => void this.serve(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.address = { host, port: (server.address() as AddressInfo).port };
    return this.address.port;
  }

  /** Replaces the route table. */
  async setRoutes(routes: Route[]): Promise<void> {
    const gone = this.routes.filter((r) => !routes.some((n) => n.appName === r.appName));
    for (const r of gone) clearRouters(r.appName);
    this.routes = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Closes the server and its connections (frees the port). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.address = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private match(path: string): Route | undefined {
    return this.routes.find((r) => r.prefix === '/' || path === r.prefix || path.startsWith(`${r.prefix}/`));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = this.match(url.pathname);
      if (!route) return send(res, 404, { error: `No application is routed at ${url.pathname}. See serve.status() for route prefixes.` });
      let sub = route.prefix === '/' ? url.pathname : url.pathname.slice(route.prefix.length) || '/';
      let method = '__call__';
      if (!route.methods.includes('__call__')) {
        const parts = sub.split('/');
        method = parts[1] ?? '';
        sub = `/${parts.slice(2).join('/')}`;
        if (!method) return send(res, 404, { error: `Name a method of '${route.ingress}' after ${route.prefix} (it has no __call__).` });
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const data: RequestData = {
        method: req.method ?? 'GET', path: sub, fullPath: url.pathname,
        query: Object.fromEntries(url.searchParams), headers, body: new Uint8Array(Buffer.concat(chunks)),
      };
      const timeoutMs = route.timeoutS * 1000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RequestTimeoutError(timeoutMs, `${req.method} ${url.pathname}`)), timeoutMs);
      });
      const abort = new AbortController();
      const onClose = (): void => {
        if (!res.writableFinished) abort.abort();
      };
      res.once('close', onClose);
      const call = callDeployment(route.appName, route.ingress, method, [data], true, abort.signal);
      call.catch(() => undefined);
      try {
        send(res, 200, await Promise.race([call, timeout]));
      } catch (err) {
        abort.abort(); // a timed-out call is cancelled in its replica too
        throw err;
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      const e = err instanceof ray.RayTaskError && err.cause !== undefined ? err.cause : err;
      const status = e instanceof RequestTimeoutError ? 504 : e instanceof BackPressureError ? 503 : e instanceof BadRequestError ? 400 : e instanceof RouteNotFoundError ? 404 : 500;
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (!res.headersSent) send(res, status, { error: message });
      else res.destroy();
    }
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  let body: Buffer;
  let type: string;
  if (value instanceof Uint8Array) {
    body = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    type = 'application/octet-stream';
  } else if (typeof value === 'string') {
    body = Buffer.from(value);
    type = 'text/plain; charset=utf-8';
  } else {
    body = Buffer.from(JSON.stringify(value ?? null));
    type = 'application/json';
  }
  res.writeHead(status, { 'content-type': type, 'content-length': body.length });
  res.end(body);
}

/** The proxy actor class made remote. */
export const HttpProxy = ray.remote(ProxyActor);
