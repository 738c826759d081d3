/**
 * Remote functions: `remote(fn)` returns a RemoteFunction whose `.remote(...args)`
 * submits a task and returns an ObjectRef at once.
 */
import { config } from '../config.js';
import { registerDefinition } from '../runtime/function-registry.js';
import type { ObjectRef, ObjectRefGenerator } from '../runtime/object-ref.js';
import type { FunctionKey } from '../transport/protocol.js';
import { resolveTaskOptions, type ResolvedTaskOptions, type TaskOptions } from './options.js';
import { requireState } from './state.js';

/** A value or a ref to one: what a remote call accepts for a parameter of type T. */
export type RefOr<T> = T | ObjectRef<T>;

/** Parameters of a remote call: each may be passed as a ref. */
export type RemoteArgs<P extends unknown[]> = { [K in keyof P]: RefOr<P[K]> };

/** What `.remote()` returns for a function returning R. */
export type RemoteReturn<R> = [R] extends [never] ? ObjectRef<never> : [R] extends [AsyncGenerator<infer Y, any, any> | Generator<infer Y, any, any>]
  ? ObjectRefGenerator<Y>
  : ObjectRef<Awaited<R>>;

/** A function made remote. */
export interface RemoteFunction<F extends (...args: any[]) => any> {
  /** Submits a task; returns its ref (or a ref generator for generator functions) at once. */
  remote(...args: RemoteArgs<Parameters<F>>): RemoteReturn<ReturnType<F>>;
  /** A copy with some options changed. With `numReturns: n`, `.remote()` returns n refs. */
  options<O extends TaskOptions>(opts: O): O extends { numReturns: number } ? MultiReturnFunction<F> : RemoteFunction<F>;
  /** Where the definition lives (module and key). */
  readonly key: FunctionKey;
  /** The original function (callable locally). */
  readonly fn: F;
}

/** A remote function with numReturns > 1: the function returns an array and each element gets its own ref. */
export interface MultiReturnFunction<F extends (...args: any[]) => any> {
  remote(...args: RemoteArgs<Parameters<F>>): ObjectRef<Awaited<ReturnType<F>> extends Array<infer E> ? E : unknown>[];
  options(opts: TaskOptions): MultiReturnFunction<F>;
  readonly key: FunctionKey;
  readonly fn: F;
}

/** True for generator and async generator functions. */
export function isGeneratorFunction(fn: unknown): boolean {
  const name = (fn as { constructor?: { name?: string } })?.constructor?.name;
  return name === 'AsyncGeneratorFunction' || name === 'GeneratorFunction';
}

class RemoteFunctionImpl<F extends (...args: any[]) => any> {
  constructor(
    readonly fn: F,
    readonly key: FunctionKey,
    private readonly opts: ResolvedTaskOptions,
    private readonly raw: TaskOptions,
  ) {}

  remote(...args: unknown[]): unknown {
    const { core } = requireState(`${this.key.name}.remote()`);
    const out = core.submitTask(this.key, args, {
      name: this.opts.name ?? this.key.name,
      numReturns: this.opts.numReturns,
      genBackpressure: this.opts.genBackpressure,
      resources: this.opts.resources,
      maxRetries: this.opts.maxRetries,
      retryExceptions: this.opts.retryExceptions,
      runtimeEnv: this.opts.runtimeEnv,
      strategy: this.opts.strategy,
    });
    if (!Array.isArray(out)) return out;
    return this.opts.numReturns === 1 ? out[0] : out;
  }

  options(o: TaskOptions): unknown {
    const merged = { ...this.raw, ...o };
    return new RemoteFunctionImpl(this.fn, this.key, resolveTaskOptions(merged, config.defaultMaxRetries, 'options'), merged);
  }
}

/** Makes a RemoteFunction (called by `remote()`). */
export function makeRemoteFunction<F extends (...args: any[]) => any>(fn: F, opts: TaskOptions | undefined, key?: FunctionKey): RemoteFunction<F> {
  const raw: TaskOptions = { ...(opts ?? {}) };
  if (raw.numReturns === undefined && isGeneratorFunction(fn)) raw.numReturns = 'streaming';
  const resolved = resolveTaskOptions(raw, config.defaultMaxRetries, 'remote() options');
  const k = key ?? registerDefinition(fn, fn.name || 'anonymous');
  return new RemoteFunctionImpl(fn, k, resolved, raw) as unknown as RemoteFunction<F>;
}
