/**
 * DeploymentHandle: calls a deployment's methods from the driver or from another
 * deployment, without HTTP: `handle.method.remote(...args)` → {@link DeploymentResponse}.
 * Handles travel to other processes (as constructor arguments or call arguments).
 */
import * as ray from '@ray-ts/core';
import { RequestCancelledError } from './errors.js';
import { DeploymentResponse } from './response.js';
import { routerFor } from './internal/router.js';

/** An argument of a handle call: a value, or a response whose value is passed. */
export type HandleArg<A> = A | DeploymentResponse<A>;

/** The arguments of a handle call: each a value or a response. */
export type HandleArgs<P extends unknown[]> = { [K in keyof P]: HandleArg<P[K]> };

/** A method of a deployment, called through a handle. */
export interface HandleMethod<F extends (...args: any[]) => any> {
  /** Sends the call to a replica; returns its response at once. */
  remote(...args: HandleArgs<Parameters<F>>): DeploymentResponse<Awaited<ReturnType<F>>>;
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
};

/** How many times a call whose replica died is sent to another replica. */
const DEAD_REPLICA_RETRIES = 3;

/**
 * Sends one call (with `http` the replica builds a request object from the first arg).
 * Aborting `signal` cancels the call (the replica's `req.signal` aborts). @internal
 */
export async function callDeployment(appName: string, deploymentName: string, method: string, args: unknown[], http = false, signal?: AbortSignal): Promise<unknown> {
  // Responses passed as arguments are resolved to their values first.
  const resolved = await Promise.all(args.map((a) => (a instanceof DeploymentResponse ? a.result() : a)));
  const router = routerFor(appName, deploymentName);
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new RequestCancelledError(`${deploymentName}.${method} was cancelled before it was sent.`);
    const replica = await router.acquire();
    const ref = replica.actor.handleRequest.remote(method, resolved, http);
    const value = ray.get(ref);
    // The replica's slot is freed when the call really ends, even if the caller stopped waiting.
    value.then(() => router.release(replica), () => router.release(replica));
    let onAbort = (): void => undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => {
        ray.cancel(ref);
        reject(new RequestCancelledError(`${deploymentName}.${method} was cancelled.`));
      };
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([value, cancelled]);
    } catch (err) {
      if (signal?.aborted) throw err instanceof RequestCancelledError ? err : new RequestCancelledError(`${deploymentName}.${method} was cancelled.`, { cause: err });
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

/** Target of every handle proxy; its class is what the serializer recognises. */
export class DeploymentHandleBase {
  /** @internal */
  constructor(readonly appName: string, readonly deploymentName: string) {}

  /** Calls the instance's `__call__`. */
  remote(...args: unknown[]): DeploymentResponse<unknown> {
    return callOn(this, '__call__', args);
  }

  /** `DeploymentHandle(app#deployment)`. */
  toString(): string {
    return `DeploymentHandle(${this.appName}#${this.deploymentName})`;
  }
}

function callOn(h: DeploymentHandleBase, method: string, args: unknown[]): DeploymentResponse<unknown> {
  const abort = new AbortController();
  return new DeploymentResponse(callDeployment(h.appName, h.deploymentName, method, args, false, abort.signal), `${h.deploymentName}.${method}`, abort);
}

/** Makes a handle to a deployment of an application (Ray's `serve.get_deployment_handle`). */
export function getDeploymentHandle<T = any>(deploymentName: string, appName = 'default'): DeploymentHandle<T> {
  if (typeof deploymentName !== 'string' || !deploymentName) throw new TypeError('getDeploymentHandle: deploymentName must be a non-empty string');
  if (typeof appName !== 'string' || !appName) throw new TypeError('getDeploymentHandle: appName must be a non-empty string');
  const target = new DeploymentHandleBase(appName, deploymentName);
  const stubs = new Map<string, HandleMethod<any>>();
  return new Proxy(target, {
    get(t, prop, recv) {
      if (prop in t) return Reflect.get(t, prop, recv);
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined;
      let stub = stubs.get(prop);
      if (!stub) stubs.set(prop, (stub = { remote: (...args: unknown[]) => callOn(t, prop, args) as DeploymentResponse<any> }));
      return stub;
    },
  }) as unknown as DeploymentHandle<T>;
}

/** True for a DeploymentHandle. */
export function isDeploymentHandle(x: unknown): x is DeploymentHandle {
  return x instanceof DeploymentHandleBase;
}

ray.registerSerializer(DeploymentHandleBase, {
  name: 'ray-ts/serve:DeploymentHandle',
  serialize: (h) => [h.appName, h.deploymentName],
  deserialize: (d) => {
    const [app, dep] = d as [string, string];
    return getDeploymentHandle(dep, app) as unknown as DeploymentHandleBase;
  },
});
