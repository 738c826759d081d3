/**
 * Streaming results in a replica: what counts as a stream (an async or sync generator, any
 * async iterable, a WHATWG `Response`), its HTTP head, and `pump`, which turns it into
 * chunks that stop — running the generator's `finally`, cancelling the body — when the
 * call is cancelled or its consumer goes away.
 */

/** Status and headers of a streamed HTTP response. */
export interface StreamHead {
  /** HTTP status. */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
}

/** True for a value the replica streams rather than returns whole. */
export function isStreamResult(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (typeof Response !== 'undefined' && v instanceof Response) return true;
  if (v instanceof Uint8Array || Array.isArray(v)) return false;
  const tag = Object.prototype.toString.call(v);
  return tag === '[object Generator]' || tag === '[object AsyncGenerator]' || typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** True when the request asks for server-sent events. */
function wantsSse(headers: Readonly<Record<string, string>> | undefined): boolean {
  return /text\/event-stream/.test(headers?.accept ?? '');
}

/**
 * The head of a streamed HTTP response: a `Response`'s own status and headers; for a
 * generator 200 with `text/event-stream` when the client accepts it, else `text/plain`.
 */
export function streamHead(v: unknown, requestHeaders?: Readonly<Record<string, string>>): StreamHead {
  if (typeof Response !== 'undefined' && v instanceof Response) {
    const headers: Record<string, string> = {};
    v.headers.forEach((value, key) => {
      headers[key] = value;
    });
    headers['content-type'] ??= 'application/octet-stream';
    return { status: v.status, headers };
  }
  const sse = wantsSse(requestHeaders);
  return { status: 200, headers: sse ? { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } : { 'content-type': 'text/plain; charset=utf-8' } };
}

/**
 * One chunk as HTTP bytes: bytes and strings as they are; other values as JSON, one per
 * line, or as an SSE `data:` event when the response is `text/event-stream`.
 */
export function encodeChunk(chunk: unknown, contentType: string | undefined): Uint8Array | string {
  if (chunk instanceof Uint8Array || typeof chunk === 'string') return chunk;
  const json = JSON.stringify(chunk ?? null);
  return /text\/event-stream/.test(contentType ?? '') ? `data: ${json}\n\n` : `${json}\n`;
}

/** The iterator behind a stream result (a Response's body reader as an iterator). */
function iteratorOf(v: unknown): AsyncIterator<unknown> | Iterator<unknown> {
  if (typeof Response !== 'undefined' && v instanceof Response) {
    const reader = v.body?.getReader();
    if (!reader) return [][Symbol.iterator]();
    return {
      next: async () => {
        const r = await reader.read();
        return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
      },
      return: async () => {
        await reader.cancel().catch(() => undefined);
        return { done: true, value: undefined };
      },
    };
  }
  const o = v as AsyncIterable<unknown> & Iterable<unknown>;
  if (typeof o[Symbol.asyncIterator] === 'function') return o[Symbol.asyncIterator]();
  return o[Symbol.iterator]();
}

/**
 * Chunks of a stream result. When `signal` aborts (the call was cancelled) or the consumer
 * stops early, the source is closed: a generator's `return()` runs its `finally`, a
 * Response body is cancelled. `step` wraps each `next()` (to run it in a request context).
 */
export async function* pump(v: unknown, signal: AbortSignal | undefined, step: <T>(f: () => T) => T = (f) => f()): AsyncGenerator<unknown, void, undefined> {
  const it = iteratorOf(v);
  let finished = false;
  let onAbort = (): void => undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal?.aborted) resolve('aborted');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      const next = Promise.resolve(step(() => it.next()));
      const r = await Promise.race([next, aborted]);
      if (r === 'aborted') {
        next.catch(() => undefined);
        return;
      }
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Not awaited: an async generator's return() waits for the step it is in to settle.
    if (!finished) void Promise.resolve().then(() => it.return?.()).catch(() => undefined);
  }
}
