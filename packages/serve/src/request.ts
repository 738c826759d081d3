/**
 * The request an HTTP ingress method receives: plain data from the proxy (method, path,
 * query, headers, body bytes) with `json()` and `text()`, like a WHATWG Request.
 */
import { BadRequestError } from './errors.js';

/** What the proxy sends to a replica for one HTTP request. @internal */
export interface RequestData {
  method: string;
  /** Path below the application's route prefix, starting with '/'. */
  path: string;
  /** The full request path. */
  fullPath: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An HTTP request as a deployment sees it. */
export class ServeRequest {
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path below the route prefix (and below the method segment when routing by method). */
  readonly path: string;
  /** Full path of the request. */
  readonly fullPath: string;
  /** Query parameters (the last value of a repeated one). */
  readonly query: Readonly<Record<string, string>>;
  /** Headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Raw body. */
  readonly body: Uint8Array;
  /** Aborts when the client disconnects or the request times out: stop work early. */
  readonly signal: AbortSignal;

  /** @internal */
  constructor(d: RequestData, signal?: AbortSignal) {
    this.signal = signal ?? new AbortController().signal;
    this.method = d.method;
    this.path = d.path;
    this.fullPath = d.fullPath;
    this.query = Object.freeze({ ...d.query });
    this.headers = Object.freeze({ ...d.headers });
    this.body = d.body;
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return Buffer.from(this.body.buffer, this.body.byteOffset, this.body.byteLength).toString('utf8');
  }

  /** The body parsed as JSON; invalid JSON throws `BadRequestError` (HTTP 400). */
  async json<T = any>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new BadRequestError(`The request body is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
}
