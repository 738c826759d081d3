/**
 * DeploymentResponseGenerator: the result of a streaming handle call
 * (`handle.method.options({ stream: true }).remote(...)`), an async iterable of the items
 * the method yields (Ray's `DeploymentResponseGenerator`).
 */
import { RayError } from '@ray-ts/core';

/** A stream dropped without being drained or cancelled is cancelled when collected. */
const dropped = new FinalizationRegistry<AbortController>((abort) => abort.abort());

/** The items of a streaming call through a {@link DeploymentHandle}. Iterate it once. */
export class DeploymentResponseGenerator<T> implements AsyncIterable<T> {
  readonly #abort: AbortController;
  readonly #source: AsyncGenerator<T, void, undefined>;
  #primed: Promise<IteratorResult<T, void>> | undefined;
  #taken = false;

  /** @internal made by handles; the call is sent at once (the first item is asked for). */
  constructor(source: AsyncGenerator<T, void, undefined>, abort: AbortController) {
    this.#source = source;
    this.#abort = abort;
    dropped.register(this, abort, this);
    this.#primed = source.next();
    this.#primed.catch(() => undefined); // an ignored stream must not crash the process
  }

  /**
   * Stops the call: the generator on the replica is closed (its `finally` runs) and an
   * iteration in progress throws `RequestCancelledError`. Breaking out of `for await` does
   * the same without the error.
   */
  cancel(): void {
    this.#abort.abort();
  }

  /** The items, in order. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#taken) throw new RayError('A DeploymentResponseGenerator can be iterated only once; make another call for another stream.');
    this.#taken = true;
    const source = this.#source;
    return {
      next: () => {
        const p = this.#primed;
        this.#primed = undefined;
        return p ?? source.next();
      },
      return: async () => {
        this.#primed = undefined;
        return await source.return(undefined);
      },
    };
  }

  /** Every item, once the stream ends (a convenience for short streams and tests). */
  async collect(): Promise<T[]> {
    const out: T[] = [];
    for await (const x of this) out.push(x);
    return out;
  }
}
