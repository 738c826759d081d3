/**
 * @ray-ts/serve: Ray Serve for TypeScript. Deployments run as replica actors behind an
 * HTTP proxy actor; deployments call each other through handles; `serve.batch` batches
 * concurrent calls; replicas are replaced when they die and scale with load.
 *
 * ```ts
 * import * as ray from '@ray-ts/core';
 * import { serve } from '@ray-ts/serve';
 * export const Hello = serve.deployment(class Hello {
 *   __call__(req: serve.Request) { return { hello: req.query.name ?? 'world' }; }
 * });
 * if (ray.isMain(import.meta)) {
 *   await ray.init();
 *   await serve.run(Hello.bind(), { routePrefix: '/hello' }); // curl localhost:8000/hello?name=ray
 * }
 * ```
 * @packageDocumentation
 */
import { batch } from './batch.js';
import { deployment } from './deployment.js';
import { getDeploymentHandle } from './handle.js';
import { deleteApp, run, shutdown, status } from './api.js';
import { getMultiplexedModelId, multiplexed } from './multiplex.js';
import { deployConfig } from './config/apply-config.js';

export { batch, type BatchOptions } from './batch.js';
export { deployment, Deployment, Application, type BindArgs } from './deployment.js';
export {
  getDeploymentHandle, isDeploymentHandle, type DeploymentHandle, type HandleMethod, type HandleArg, type HandleArgs, type HandleOptions,
  type StreamingHandleMethod, type StreamingDeploymentHandle, type StreamItem,
} from './handle.js';
export { DeploymentResponse } from './response.js';
export { DeploymentResponseGenerator } from './response-generator.js';
export { multiplexed, getMultiplexedModelId, type MultiplexedOptions } from './multiplex.js';
export { deployConfig, type DeployConfigResult } from './config/apply-config.js';
export { parseServeConfig, resolveServeConfig, type ServeConfig, type AppConfig, type DeploymentOverride, type HttpOptions } from './config/serve-config.js';
export { ServeRequest } from './request.js';
export { run, status, shutdown, deleteApp } from './api.js';
export type { DeploymentOptions, AutoscalingConfig, RunOptions } from './options.js';
export type { ServeStatus, ApplicationStatus, DeploymentStatus, ProxyStatus } from './internal/app-spec.js';
export type { ProxyLocation } from './internal/proxy-plan.js';
export {
  ServeError, RequestTimeoutError, BadRequestError, DeploymentNotFoundError, DeploymentDefinitionError, RouteNotFoundError, BackPressureError, RequestCancelledError,
  DeployTimeoutError, ServeConfigError,
} from './errors.js';

/** Serve's API as one object, Ray-style: `serve.deployment`, `serve.run`, `serve.delete`... */
export const serve = Object.freeze({ deployment, run, status, delete: deleteApp, shutdown, batch, getDeploymentHandle, multiplexed, getMultiplexedModelId, deployConfig });

/** Types under the `serve` name, so `serve.Request` reads like Ray. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace serve {
  /** The request an HTTP ingress method receives. */
  export type Request = import('./request.js').ServeRequest;
  /** A handle to a deployment. */
  export type Handle<T = any> = import('./handle.js').DeploymentHandle<T>;
}
