/**
 * @ray-ts/core: Ray's programming model for TypeScript on Node.js. Mark a function
 * or class remote; its calls run in worker processes on all cores, with results in a
 * shared-memory object store.
 *
 * ```ts
 * import * as ray from '@ray-ts/core';
 * export const square = ray.remote((x: number) => x * x);
 * if (ray.isMain(import.meta)) {
 *   await ray.init();
 *   console.log(await ray.get([1, 2, 3].map((x) => square.remote(x)))); // [1, 4, 9]
 *   ray.shutdown();
 * }
 * ```
 * @packageDocumentation
 */
import { makeActorClass, type ActorClass, type AnyClass } from './api/actor.js';
import { makeRemoteFunction, type MultiReturnFunction, type RemoteFunction } from './api/remote-function.js';
import type { ActorOptions, TaskOptions } from './api/options.js';

/** True when `x` is a class (not a plain function). */
function isClass(x: unknown): x is AnyClass {
  return typeof x === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(x));
}

/**
 * Makes a function or class remote. Call it at the top level of an ES module, so that
 * worker processes that import the module define the same thing.
 */
export function remote<C extends AnyClass>(cls: C, options?: ActorOptions): ActorClass<C>;
export function remote<F extends (...args: any[]) => any>(fn: F, options: TaskOptions & { numReturns: number }): MultiReturnFunction<F>;
export function remote<F extends (...args: any[]) => any>(fn: F, options?: TaskOptions): RemoteFunction<F>;
export function remote(target: unknown, options?: TaskOptions | ActorOptions): unknown {
  if (isClass(target)) return makeActorClass(target, options as ActorOptions);
  if (typeof target === 'function') return makeRemoteFunction(target as (...a: any[]) => any, options as TaskOptions);
  throw new TypeError(`remote() expects a function or a class, got ${target === null ? 'null' : typeof target}`);
}

export {
  init, shutdown, isInitialized, get, put, wait, cancel, kill, getActor, availableResources, clusterResources, free, isMain,
} from './api/ray.js';
export type { InitOptions, InitInfo, GetOptions, WaitOptions, CancelOptions } from './api/ray.js';
export { getRuntimeContext } from './api/runtime-context.js';
export { placementGroup, removePlacementGroup, getPlacementGroup, PlacementGroup } from './api/placement-group.js';
export type { PlacementGroupOptions, PlacementStrategy } from './api/placement-group.js';
export { requestResources } from './autoscaler/request-resources.js';
export type { RequestResourcesOptions } from './autoscaler/request-resources.js';
export type { RuntimeContext } from './api/runtime-context.js';
export type { ActorClass, ActorHandle, ActorMethod, MethodNames } from './api/actor.js';
export type { RemoteFunction, MultiReturnFunction, RemoteArgs, RemoteReturn, RefOr } from './api/remote-function.js';
export type { TaskOptions, ActorOptions, ActorMethodOptions, RuntimeEnv, SchedulingStrategy } from './api/options.js';
export { ObjectRef, ObjectRefGenerator } from './runtime/object-ref.js';
export { registerSerializer } from './serialization/index.js';
export {
  RayError, RayTaskError, WorkerCrashedError, RayActorError, ActorUnavailableError, ObjectLostError, ObjectFreedError,
  ObjectStoreFullError, GetTimeoutError, TaskCancelledError, SerializationError, FunctionNotFoundError,
  DriverCodeInWorkerError, InfeasibleError, RaySystemError, NotInitializedError, ActorNotFoundError, AuthenticationError,
  registerErrorClass,
} from './errors.js';
export { config } from './config.js';
/** The state API (Ray's `ray.util.state`): `state.listTasks()`, `state.summarizeTasks()`, `state.timeline()`, ... */
export * as state from './state/index.js';
export { Counter, Gauge, Histogram } from './metrics/user-metrics.js';
export type { MetricOptions, HistogramOptions } from './metrics/user-metrics.js';
export { sharedCallerModule as callerModule, importModule, relativeImports } from './runtime/function-registry.js';
export { WorkingDirError } from './runtime-env/working-dir.js';
export { findExport, loadExport, ExportLookupError, type ExportRef } from './runtime/export-ref.js';
