/**
 * The HTTP proxy: an actor running a node:http server, so it lives in a worker of the
 * cluster rather than in the driver. It matches the longest route prefix, builds request
 * data, calls the ingress deployment through a handle router, and writes the result as
 * JSON (strings as text, bytes as octet-stream) or streams it (a generator or a Response
 * with a body: chunked, SSE); a client that disconnects (or a timeout) cancels the call,
 * aborting `req.signal` in the replica and closing a stream's generator. Errors: 404
 * unknown route or method, 400 bad JSON body, 500 a method that threw (its message in
 * `{ "error" }`), 503 too many queued requests (maxQueuedRequests), 408 timeout (as Ray).
 */
import * as ray from '@ray-ts/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestTimeoutError } from '../errors.js';
import type { RequestData } from '../request.js';
import { MULTIPLEXED_MODEL_ID_HEADER } from './constants.js';
import { callUnary, isHttpStream } from './dispatch.js';
import { send, sendStream, statusOf } from './http-io.js';
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

  /** Health check (the controller's proxy manager). */
  async ping(): Promise<boolean> {
    return this.server !== undefined;
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
      const modelId = headers[MULTIPLEXED_MODEL_ID_HEADER];
      const timeoutMs = route.timeoutS * 1000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RequestTimeoutError(timeoutMs, `${req.method} ${url.pathname}`)), timeoutMs);
      });
      const abort = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      const call = callUnary(route.appName, route.ingress, method, [data], { http: true, signal: abort.signal, meta: modelId ? { multiplexedModelId: modelId } : undefined });
      call.catch(() => undefined);
      let result: unknown;
      let first: IteratorResult<Uint8Array | string> | undefined;
      let rest: AsyncIterator<Uint8Array | string> | undefined;
      try {
        result = await Promise.race([call, timeout]);
        // The timeout runs until the response starts (a stream's first chunk); a stream then
        // runs until it ends or the client leaves.
        if (isHttpStream(result)) {
          rest = result.chunks[Symbol.asyncIterator]();
          first = await Promise.race([rest.next(), timeout]);
        }
      } catch (err) {
        abort.abort(); // a timed-out call is cancelled in its replica too
        void rest?.return?.();
        throw err;
      } finally {
        clearTimeout(timer);
      }
      if (isHttpStream(result)) await sendStream(res, result.head, first!, rest!);
      else send(res, 200, result);
    } catch (err) {
      const { status, message } = statusOf(err);
      if (!res.headersSent) send(res, status, { error: message });
      else res.destroy();
    }
  }
}

/** The proxy actor class made remote. */
export const HttpProxy = ray.remote(ProxyActor);
