/**
 * Model multiplexing (Ray's `@serve.multiplexed` and `serve.get_multiplexed_model_id`):
 * one deployment serves many models, each replica keeping the most recently used
 * `maxNumModelsPerReplica` loaded. Callers name a model with the `serve_multiplexed_model_id`
 * HTTP header or the handle option `multiplexedModelId`; handles prefer replicas that
 * already hold it.
 */
import { BadRequestError } from './errors.js';
import { currentCallMeta } from './internal/request-context.js';

/** Options of {@link multiplexed}. */
export interface MultiplexedOptions {
  /** Models one replica keeps loaded; the least recently used is evicted beyond it. @default 3 */
  maxNumModelsPerReplica?: number;
}

/** Per instance: the caches of its multiplexed loaders (a class may have several). */
const cachesByOwner = new WeakMap<object, Set<Map<string, Promise<unknown>>>>();

/** Model ids a deployment instance has loaded (or is loading), reported to the routers. @internal */
export function loadedModelIds(instance: object): string[] {
  const out = new Set<string>();
  for (const cache of cachesByOwner.get(instance) ?? []) for (const id of cache.keys()) out.add(id);
  return [...out];
}

/** Releases an evicted model: `Symbol.asyncDispose`, `dispose()`, `release()` or `close()` if it has one. */
async function disposeModel(model: unknown): Promise<void> {
  if (typeof model !== 'object' || model === null) return;
  const m = model as Record<string | symbol, unknown>;
  const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
  const fn = (asyncDispose && m[asyncDispose]) ?? m.dispose ?? m.release ?? m.close;
  if (typeof fn === 'function') await (fn as () => unknown).call(model);
}

/**
 * Wraps a model loader `(modelId) => model` as a cached getter: `getModel(modelId?)`
 * returns the loaded model (loading it at most once at a time), evicting the least
 * recently used beyond `maxNumModelsPerReplica`. Without an argument it loads the current
 * request's model (`getMultiplexedModelId()`). Use it as a class field:
 * `getModel = serve.multiplexed(async function (this: M, id: string) { ... }, { maxNumModelsPerReplica: 2 })`.
 */
export function multiplexed<This, M>(load: (this: This, modelId: string) => M | Promise<M>, options: MultiplexedOptions = {}): (this: This, modelId?: string) => Promise<M> {
  if (typeof load !== 'function') throw new TypeError('serve.multiplexed(load): load must be a function');
  if (typeof options !== 'object' || options === null) throw new TypeError('serve.multiplexed options must be an object');
  for (const k of Object.keys(options)) if (k !== 'maxNumModelsPerReplica') throw new TypeError(`serve.multiplexed options.${k} is not an option; expected maxNumModelsPerReplica`);
  const max = options.maxNumModelsPerReplica ?? 3;
  if (!Number.isInteger(max)) throw new TypeError('serve.multiplexed options.maxNumModelsPerReplica must be an integer');
  if (max < 1) throw new RangeError(`serve.multiplexed options.maxNumModelsPerReplica must be at least 1, got ${max}`);
  const caches = new WeakMap<object, Map<string, Promise<M>>>();
  const global = {};
  return function getModel(this: This, modelId?: string): Promise<M> {
    const id = modelId ?? getMultiplexedModelId();
    if (typeof id !== 'string' || !id) {
      return Promise.reject(new BadRequestError('serve.multiplexed: no model id; pass one, or send the serve_multiplexed_model_id header / handle option multiplexedModelId'));
    }
    const owner = (typeof this === 'object' && this !== null ? this : global) as object;
    let cache = caches.get(owner);
    if (!cache) {
      caches.set(owner, (cache = new Map()));
      let set = cachesByOwner.get(owner);
      if (!set) cachesByOwner.set(owner, (set = new Set()));
      set.add(cache as Map<string, Promise<unknown>>);
    }
    const hit = cache.get(id);
    if (hit) {
      cache.delete(id); // re-insert: Map order is the LRU order
      cache.set(id, hit);
      return hit;
    }
    while (cache.size >= max) {
      const [oldId, old] = cache.entries().next().value as [string, Promise<M>];
      cache.delete(oldId);
      void old.then(disposeModel).catch(() => undefined);
    }
    const loading = Promise.resolve().then(() => load.call(this, id));
    cache.set(id, loading);
    const c = cache;
    loading.catch(() => {
      if (c.get(id) === loading) c.delete(id); // a failed load is retried next time
    });
    return loading;
  };
}

/** The model id of the request being handled ('' when it named none). */
export function getMultiplexedModelId(): string {
  return currentCallMeta().multiplexedModelId ?? '';
}
