/**
 * DeploymentHandle: calls a deployment's methods from the driver or from another
 * deployment, without HTTP: `handle.method.remote(...args)` → {@link DeploymentResponse};
 * `handle.method.options({ stream: true }).remote(...)` → {@link DeploymentResponseGenerator};
 * `handle.options({ multiplexedModelId })` routes to a replica holding that model.
 * Handles travel to other processes (as constructor arguments or call arguments).
 */
import * as ray from '@ray-ts/core';
import { DeploymentResponse } from './response.js';
import { DeploymentResponseGenerator } from './response-generator.js';
import { callStream, callUnary } from './internal/dispatch.js';
import { resolveHandleOptions, type HandleOptions, type ResolvedHandleOptions } from './handle-options.js';

export type { HandleOptions } from './handle-options.js';

/** An argument of a handle call: a value, or a response whose value is passed. */
export type HandleArg<A> = A | DeploymentResponse<A>;

/** The arguments of a handle call: each a value or a response. */
export type HandleArgs<P extends unknown[]> = { [K in keyof P]: HandleArg<P[K]> };

/** What a streaming call yields for a method returning R: a generator's items, a Response's bytes. */
export type StreamItem<R> = R extends AsyncIterable<infer U> ? U : R extends Iterable<infer U> ? U : R extends Response ? Uint8Array : unknown;

/** A method of a deployment, called through a handle. */
export interface HandleMethod<F extends (...args: any[]) => any> {
  /** Sends the call to a replica; returns its response at once. */
  remote(...args: HandleArgs<Parameters<F>>): DeploymentResponse<Awaited<ReturnType<F>>>;
  /** The same method with call options; `stream: true` makes `remote()` return a stream of items. */
  options(o: HandleOptions & { stream: true }): StreamingHandleMethod<F>;
  /** The same method with call options (`multiplexedModelId`). */
  options(o: HandleOptions): HandleMethod<F>;
}

/** A method whose calls stream (`options({ stream: true })`). */
export interface StreamingHandleMethod<F extends (...args: any[]) => any> {
  /** Sends the call; iterate the result for the items the method yields. */
  remote(...args: HandleArgs<Parameters<F>>): DeploymentResponseGenerator<StreamItem<Awaited<ReturnType<F>>>>;
}

type Methods<T> = { [K in keyof T]: T[K] extends (...args: any[]) => any ? K : never }[keyof T] & string;

/** Handle to a deployment whose instances have type T. */
export type DeploymentHandle<T = any> = { readonly [K in Methods<T>]: T[K] extends (...args: any[]) => any ? HandleMethod<T[K]> : never } & {
  /** The application's name. */
  readonly appName: string;
  /** The deployment's name. */
  readonly deploymentName: string;
  /** Calls the instance's `__call__`. */
  remote(...args: unknown[]): DeploymentResponse<T extends { __call__(...a: any[]): infer R } ? Awaited<R> : unknown>;
  /** A handle whose calls stream (`stream: true`). */
  options(o: HandleOptions & { stream: true }): StreamingDeploymentHandle<T>;
  /** A handle with call options (`multiplexedModelId`). */
  options(o: HandleOptions): DeploymentHandle<T>;
};

/** A handle whose calls stream: each method's `remote()` returns a {@link DeploymentResponseGenerator}. */
export type StreamingDeploymentHandle<T = any> = { readonly [K in Methods<T>]: T[K] extends (...args: any[]) => any ? StreamingHandleMethod<T[K]> : never } & {
  /** The application's name. */
  readonly appName: string;
  /** The deployment's name. */
  readonly deploymentName: string;
  /** Calls the instance's `__call__`, streaming. */
  remote(...args: unknown[]): DeploymentResponseGenerator<T extends { __call__(...a: any[]): infer R } ? StreamItem<Awaited<R>> : unknown>;
};

/** Target of every handle proxy; its class is what the serializer recognises. */
export class DeploymentHandleBase {
  /** @internal */
  constructor(readonly appName: string, readonly deploymentName: string, readonly callOptions: ResolvedHandleOptions = {}) {}

  /** Calls the instance's `__call__`. */
  remote(...args: unknown[]): unknown {
    return callOn(this, '__call__', args, this.callOptions);
  }

  /** A copy with call options changed (`stream`, `multiplexedModelId`). */
  options(o: HandleOptions): unknown {
    return makeHandle(this.appName, this.deploymentName, { ...this.callOptions, ...resolveHandleOptions(o, 'handle.options()') });
  }

  /** `DeploymentHandle(app#deployment)`. */
  toString(): string {
    return `DeploymentHandle(${this.appName}#${this.deploymentName})`;
  }
}

function callOn(h: DeploymentHandleBase, method: string, args: unknown[], o: ResolvedHandleOptions): DeploymentResponse<unknown> | DeploymentResponseGenerator<unknown> {
  const abort = new AbortController();
  const meta = o.multiplexedModelId === undefined ? undefined : { multiplexedModelId: o.multiplexedModelId };
  // Responses passed as arguments are resolved to their values first.
  const resolved = Promise.all(args.map((a) => (a instanceof DeploymentResponse ? a.result() : a)));
  if (o.stream) {
    const source = (async function* () {
      yield* callStream<unknown>(h.appName, h.deploymentName, method, await resolved, { signal: abort.signal, meta });
    })();
    return new DeploymentResponseGenerator(source, abort);
  }
  const value = resolved.then((a) => callUnary(h.appName, h.deploymentName, method, a, { signal: abort.signal, meta }));
  return new DeploymentResponse(value, `${h.deploymentName}.${method}`, abort);
}

function makeHandle<T>(appName: string, deploymentName: string, callOptions: ResolvedHandleOptions): DeploymentHandle<T> {
  const target = new DeploymentHandleBase(appName, deploymentName, Object.freeze(callOptions));
  const stubs = new Map<string, unknown>();
  const stub = (method: string, o: ResolvedHandleOptions): unknown => ({
    remote: (...args: unknown[]) => callOn(target, method, args, o),
    options: (more: HandleOptions) => stub(method, { ...o, ...resolveHandleOptions(more, `handle.${method}.options()`) }),
  });
  return new Proxy(target, {
    get(t, prop, recv) {
      if (prop in t) return Reflect.get(t, prop, recv);
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined;
      let s = stubs.get(prop);
      if (!s) stubs.set(prop, (s = stub(prop, t.callOptions)));
      return s;
    },
  }) as unknown as DeploymentHandle<T>;
}

/** Makes a handle to a deployment of an application (Ray's `serve.get_deployment_handle`). */
export function getDeploymentHandle<T = any>(deploymentName: string, appName = 'default'): DeploymentHandle<T> {
  if (typeof deploymentName !== 'string' || !deploymentName) throw new TypeError('getDeploymentHandle: deploymentName must be a non-empty string');
  if (typeof appName !== 'string' || !appName) throw new TypeError('getDeploymentHandle: appName must be a non-empty string');
  return makeHandle<T>(appName, deploymentName, {});
}

/** True for a DeploymentHandle. */
export function isDeploymentHandle(x: unknown): x is DeploymentHandle {
  return x instanceof DeploymentHandleBase;
}

ray.registerSerializer(DeploymentHandleBase, {
  name: 'ray-ts/serve:DeploymentHandle',
  serialize: (h) => [h.appName, h.deploymentName, h.callOptions],
  deserialize: (d) => {
    const [app, dep, o] = d as [string, string, ResolvedHandleOptions | undefined];
    return makeHandle(app, dep, o ?? {}) as unknown as DeploymentHandleBase;
  },
});
