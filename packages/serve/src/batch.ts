/**
 * `serve.batch(fn, { maxBatchSize, batchWaitTimeoutS })`: concurrent calls of the wrapped
 * method, in one replica, are gathered into one call of `fn` with an array of their
 * arguments; `fn` returns an array of results, one per call, in order (Ray's `@serve.batch`).
 */

/** Options of {@link batch}. */
export interface BatchOptions {
  /** Most calls in one batch. @default 10 */
  maxBatchSize?: number;
  /** Seconds to wait for a batch to fill after its first call. @default 0.01 */
  batchWaitTimeoutS?: number;
}

interface Pending<A, R> {
  arg: A;
  resolve: (v: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Wraps a batch method `(items: A[]) => R[] | Promise<R[]>` as a per-item method
 * `(item: A) => Promise<R>`. Use it as a class field so each instance has its own queue:
 * `predict = serve.batch(async function (this: Model, xs: number[]) { ... }, { maxBatchSize: 8 })`.
 */
export function batch<This, A, R>(fn: (this: This, items: A[]) => R[] | Promise<R[]>, options: BatchOptions = {}): (this: This, item: A) => Promise<R> {
  if (typeof fn !== 'function') throw new TypeError('serve.batch(fn): fn must be a function');
  if (typeof options !== 'object' || options === null) throw new TypeError('serve.batch options must be an object');
  for (const k of Object.keys(options)) if (k !== 'maxBatchSize' && k !== 'batchWaitTimeoutS') throw new TypeError(`serve.batch options.${k} is not an option; expected maxBatchSize, batchWaitTimeoutS`);
  const maxBatchSize = options.maxBatchSize ?? 10;
  if (!Number.isInteger(maxBatchSize)) throw new TypeError('serve.batch options.maxBatchSize must be an integer');
  if (maxBatchSize < 1) throw new RangeError(`serve.batch options.maxBatchSize must be at least 1, got ${maxBatchSize}`);
  const waitS = options.batchWaitTimeoutS ?? 0.01;
  if (typeof waitS !== 'number' || Number.isNaN(waitS)) throw new TypeError('serve.batch options.batchWaitTimeoutS must be a number');
  if (waitS < 0) throw new RangeError(`serve.batch options.batchWaitTimeoutS must be at least 0, got ${waitS}`);

  const queues = new WeakMap<object, { items: Pending<A, R>[]; timer?: NodeJS.Timeout }>();
  const global = {};
  const flush = (self: This, q: { items: Pending<A, R>[]; timer?: NodeJS.Timeout }): void => {
    clearTimeout(q.timer);
    q.timer = undefined;
    const items = q.items.splice(0, maxBatchSize);
    if (q.items.length > 0) q.timer = setTimeout(() => flush(self, q), 0);
    Promise.resolve()
      .then(() => fn.call(self, items.map((p) => p.arg)))
      .then(
        (out) => {
          if (!Array.isArray(out) || out.length !== items.length) {
            const err = new TypeError(`serve.batch: ${fn.name || 'the batch function'} must return an array of ${items.length} results (one per call), got ${Array.isArray(out) ? `${out.length} items` : typeof out}`);
            for (const p of items) p.reject(err);
            return;
          }
          items.forEach((p, i) => p.resolve(out[i] as R));
        },
        (err) => {
          for (const p of items) p.reject(err);
        },
      );
  };
  return function batched(this: This, item: A): Promise<R> {
    const owner = (typeof this === 'object' && this !== null ? this : global) as object;
    let q = queues.get(owner);
    if (!q) queues.set(owner, (q = { items: [] }));
    const queue = q;
    return new Promise<R>((resolve, reject) => {
      queue.items.push({ arg: item, resolve, reject });
      if (queue.items.length >= maxBatchSize) flush(this, queue);
      else queue.timer ??= setTimeout(() => flush(this, queue), waitS * 1000);
    });
  };
}
