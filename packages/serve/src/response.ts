/**
 * DeploymentResponse: the result of `handle.method.remote(...)`. Await it (it is thenable:
 * unlike an ObjectRef it is never returned from a Ray task, so unwrapping is what you want)
 * or call `result(timeoutMs)`. It can be passed as an argument to another handle call.
 */
import { RequestTimeoutError } from './errors.js';

/** The pending result of a call through a {@link DeploymentHandle}. */
export class DeploymentResponse<T> implements PromiseLike<T> {
  readonly #value: Promise<T>;
  readonly #what: string;
  readonly #abort: AbortController | undefined;

  /** @internal made by handles. */
  constructor(value: Promise<T>, what: string, abort?: AbortController) {
    this.#value = value;
    this.#what = what;
    this.#abort = abort;
    value.catch(() => undefined); // an ignored response must not crash the process
  }

  /**
   * The value; throws what the replica threw (a `RayTaskError` whose `cause` is the user's
   * error), or `RequestTimeoutError` after `timeoutMs`. The request itself is not cancelled.
   */
  result(timeoutMs?: number): Promise<T> {
    if (timeoutMs === undefined) return this.#value;
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) throw new RangeError('result(timeoutMs): timeoutMs must be a number >= 0');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeoutError(timeoutMs, this.#what)), timeoutMs);
    });
    return Promise.race([this.#value, timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * Cancels the call: a queued one is never sent, a running one sees `req.signal` (for
   * HTTP requests) or core's task signal abort; awaiting it throws `RequestCancelledError`.
   */
  cancel(): void {
    this.#abort?.abort();
  }

  /** Makes `await response` work. */
  then<R1 = T, R2 = never>(onFulfilled?: ((v: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((e: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.#value.then(onFulfilled, onRejected);
  }

  /** Like `Promise.prototype.catch`. */
  catch<R = never>(onRejected?: ((e: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#value.catch(onRejected);
  }
}
