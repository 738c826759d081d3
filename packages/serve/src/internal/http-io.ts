/**
 * Writing responses in the HTTP proxy: a whole value (JSON, text or bytes), a streamed
 * response (chunked, written as the replica yields, waiting for the socket to drain), and
 * errors mapped to status codes.
 */
import * as ray from '@ray-ts/core';
import type { ServerResponse } from 'node:http';
import { BackPressureError, BadRequestError, RequestTimeoutError, RouteNotFoundError } from '../errors.js';
import type { StreamHead } from './stream-result.js';

/** Writes a whole value: `Uint8Array` as octet-stream, strings as text, the rest as JSON. */
export function send(res: ServerResponse, status: number, value: unknown): void {
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

/**
 * Writes a streamed response: its head with the first chunk, then each chunk as it comes
 * (chunked transfer encoding). Stops when the client goes away (the chunk iterator's `return()`
 * cancels the stream on the replica). An error after the head cuts the connection.
 */
export async function sendStream(res: ServerResponse, head: StreamHead, first: IteratorResult<Uint8Array | string>, rest: AsyncIterator<Uint8Array | string>): Promise<void> {
  const headers = { ...head.headers };
  delete headers['content-length'];
  res.writeHead(head.status, headers);
  res.flushHeaders();
  for (let r = first; !r.done; r = await rest.next()) {
    const chunk = r.value;
    if (res.destroyed) {
      await rest.return?.();
      break;
    }
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/** The HTTP status of an error (unwrapping the RayTaskErrors around its cause). */
export function statusOf(err: unknown): { status: number; message: string } {
  // A deployment called through a handle from another one: its error arrives wrapped once per hop.
  let e = err;
  while (e instanceof ray.RayTaskError && e.cause !== undefined) e = e.cause;
  const status = e instanceof RequestTimeoutError ? 408 : e instanceof BackPressureError ? 503 : e instanceof BadRequestError ? 400 : e instanceof RouteNotFoundError ? 404 : 500;
  return { status, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}
