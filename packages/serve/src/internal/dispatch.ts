/**
 * Sends calls to replicas: picks one with the deployment's router, calls it, frees the
 * router's slot when the call really ends, cancels it when the caller's signal aborts, and
 * sends a call whose replica died to another one. Unary calls resolve to the value (for
 * HTTP, a streamed result arrives as an {@link HttpStream}); streaming calls are async
 * iterables of the items, over core's streaming actor methods.
 */
import * as ray from '@ray-ts/core';
import { RequestCancelledError } from '../errors.js';
import type { CallMeta } from './request-context.js';
import { isStreamMarker } from './replica-actor.js';
import { routerFor, type ReplicaInfo, type Router } from './router.js';
import type { StreamHead } from './stream-result.js';

/** How many times a call whose replica died is sent to another replica. */
const DEAD_REPLICA_RETRIES = 3;

/** Options of one call. */
export interface CallOptions {
  /** The replica builds a ServeRequest from the first argument. */
  http?: boolean;
  /** Aborting cancels the call. */
  signal?: AbortSignal;
  /** Per-call context (multiplexed model id). */
  meta?: CallMeta;
}

/** A streamed HTTP response: its head, then its body chunks. */
export interface HttpStream {
  /** Status and headers. */
  head: StreamHead;
  /** Body chunks; stopping early cancels the stream on the replica. */
  chunks: AsyncIterable<Uint8Array | string>;
}

/** True for an {@link HttpStream}. */
export function isHttpStream(v: unknown): v is HttpStream {
  return typeof v === 'object' && v !== null && 'head' in v && 'chunks' in v && typeof (v as HttpStream).chunks[Symbol.asyncIterator] === 'function';
}

function cancelled(what: string, cause?: unknown): RequestCancelledError {
  return cause instanceof RequestCancelledError ? cause : new RequestCancelledError(`${what} was cancelled.`, cause === undefined ? undefined : { cause });
}

/** Sends one call and resolves to its value (or, for HTTP, an HttpStream). */
export async function callUnary(appName: string, deploymentName: string, method: string, args: unknown[], o: CallOptions = {}): Promise<unknown> {
  const what = `${deploymentName}.${method}`;
  const router = routerFor(appName, deploymentName);
  const { signal } = o;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new RequestCancelledError(`${what} was cancelled before it was sent.`);
    const replica = await router.acquire(o.meta?.multiplexedModelId);
    const ref = replica.actor.handleRequest.remote(method, args, !!o.http, o.meta);
    const value = ray.get(ref);
    // The replica's slot is freed when the call really ends (a stream: when it is drained).
    value.then(
      (v) => {
        if (!isStreamMarker(v)) router.release(replica);
        else if (signal?.aborted) {
          router.release(replica); // nobody will pull it
          void ray.get(replica.actor.closeStream.remote(v.__serveStream)).catch(() => undefined);
        }
      },
      () => router.release(replica),
    );
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        ray.cancel(ref);
        reject(cancelled(what));
      };
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const v = await Promise.race([value, aborted]);
      if (!isStreamMarker(v)) return v;
      // Backpressure: the replica's generator pauses while this many chunks wait for the caller.
      const gen = replica.actor.pullStream.options(router.streamOptions).remote(v.__serveStream) as unknown as ray.ObjectRefGenerator<Uint8Array | string>;
      return { head: v.head, chunks: items(gen, what, signal, () => router.release(replica)) } satisfies HttpStream;
    } catch (err) {
      if (signal?.aborted) throw cancelled(what, err);
      if (err instanceof ray.RayActorError && attempt < DEAD_REPLICA_RETRIES) {
        router.markDead(replica);
        continue;
      }
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * Items of a streaming call. Stopping early (break, return()) or aborting `signal` cancels
 * the generator task on the replica; `onEnd` runs once when the stream is over.
 */
async function* items<T>(gen: ray.ObjectRefGenerator<T>, what: string, signal: AbortSignal | undefined, onEnd: () => void, first?: { value: T }): AsyncGenerator<T, void, undefined> {
  let done = false;
  const stop = (): void => {
    try {
      ray.cancel(gen);
    } catch {
      /* already over */
    }
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (first) yield first.value;
    for (;;) {
      if (signal?.aborted) throw cancelled(what);
      const ref = await gen.nextRef();
      if (!ref) break;
      const v = await ray.get(ref).catch((err: unknown) => {
        throw signal?.aborted ? cancelled(what, err) : err;
      });
      if (signal?.aborted) throw cancelled(what);
      yield v;
    }
    done = true;
  } finally {
    signal?.removeEventListener('abort', stop);
    if (!done) stop();
    onEnd();
  }
}

/**
 * A streaming call (handle `stream: true`): the items the method yields. A replica that
 * dies before the first item is replaced by another; after it, the error reaches the caller.
 */
export async function* callStream<T>(appName: string, deploymentName: string, method: string, args: unknown[], o: CallOptions = {}): AsyncGenerator<T, void, undefined> {
  const what = `${deploymentName}.${method}`;
  const router: Router = routerFor(appName, deploymentName);
  for (let attempt = 0; ; attempt++) {
    if (o.signal?.aborted) throw new RequestCancelledError(`${what} was cancelled before it was sent.`);
    const replica: ReplicaInfo = await router.acquire(o.meta?.multiplexedModelId);
    let released = false;
    const release = (): void => {
      if (!released) router.release(replica);
      released = true;
    };
    const gen = replica.actor.handleStream.options(router.streamOptions).remote(method, args, !!o.http, o.meta) as unknown as ray.ObjectRefGenerator<T>;
    let first: { value: T } | undefined;
    const stopEarly = (): void => {
      try {
        ray.cancel(gen);
      } catch {
        /* already over */
      }
    };
    o.signal?.addEventListener('abort', stopEarly, { once: true });
    try {
      const ref = await gen.nextRef();
      if (!ref) {
        release();
        return;
      }
      first = { value: await ray.get(ref) };
    } catch (err) {
      release();
      if (o.signal?.aborted) throw cancelled(what, err);
      if (err instanceof ray.RayActorError && attempt < DEAD_REPLICA_RETRIES) {
        router.markDead(replica);
        continue;
      }
      throw err;
    } finally {
      o.signal?.removeEventListener('abort', stopEarly);
    }
    yield* items(gen, what, o.signal, release, first);
    return;
  }
}
