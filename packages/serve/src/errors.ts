/**
 * Serve's errors. Each extends core's `RayError`, has a stable `code`, and is registered
 * with core so it keeps its class when it crosses processes.
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of Serve's errors. */
export class ServeError extends RayError {
  override readonly code: string = 'SERVE_ERROR';
}

/** A request did not finish within its timeout (HTTP 408, as Ray Serve answers). */
export class RequestTimeoutError extends ServeError {
  override readonly code = 'SERVE_REQUEST_TIMEOUT';
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number, what: string) {
    super(`${what} did not finish within ${timeoutMs} ms. Raise the timeout (requestTimeoutS / result(timeoutMs)) or add replicas.`);
    this.timeoutMs = timeoutMs;
  }
}

/** The request body could not be parsed (HTTP 400). */
export class BadRequestError extends ServeError {
  override readonly code = 'SERVE_BAD_REQUEST';
}

/** The application or deployment does not exist (or was deleted). */
export class DeploymentNotFoundError extends ServeError {
  override readonly code = 'SERVE_DEPLOYMENT_NOT_FOUND';
  /** The application's name. */
  readonly appName: string;
  /** The deployment's name. */
  readonly deploymentName: string;
  constructor(appName: string, deploymentName: string, reason = 'it is not running') {
    super(`Deployment '${deploymentName}' of application '${appName}' cannot take requests: ${reason}. Check serve.status() and serve.run() it again.`);
    this.appName = appName;
    this.deploymentName = deploymentName;
  }
}

/** No deployment method matches the request's route (HTTP 404). */
export class RouteNotFoundError extends ServeError {
  override readonly code = 'SERVE_ROUTE_NOT_FOUND';
}

/** Too many requests are queued for a deployment (HTTP 503); retry later or add replicas. */
export class BackPressureError extends ServeError {
  override readonly code = 'SERVE_BACK_PRESSURE';
  /** The deployment's name. */
  readonly deploymentName: string;
  /** Its `maxQueuedRequests`. */
  readonly maxQueuedRequests: number;
  constructor(deploymentName: string, maxQueuedRequests: number) {
    super(`Deployment '${deploymentName}' already has ${maxQueuedRequests} queued requests (maxQueuedRequests); retry later, add replicas or raise the limit.`);
    this.deploymentName = deploymentName;
    this.maxQueuedRequests = maxQueuedRequests;
  }
}

/** The caller gave up on a request (HTTP client disconnected, or its timeout passed) and it was cancelled. */
export class RequestCancelledError extends ServeError {
  override readonly code = 'SERVE_REQUEST_CANCELLED';
}

/** A deployment definition could not be found in a replica's worker. */
export class DeploymentDefinitionError extends ServeError {
  override readonly code = 'SERVE_DEFINITION_NOT_FOUND';
}

/** An application's replicas did not all become ready (or reach a new count) in time. */
export class DeployTimeoutError extends ServeError {
  override readonly code = 'SERVE_DEPLOY_TIMEOUT';
  /** The application's name. */
  readonly appName: string;
  /** The time allowed, in milliseconds (`readyTimeoutMs`). */
  readonly timeoutMs: number;
  constructor(appName: string, timeoutMs: number, what = 'start') {
    super(`Application '${appName}' did not ${what} within ${timeoutMs} ms. Check serve.status() for replicas that fail to start or lack resources, or raise readyTimeoutMs.`);
    this.appName = appName;
    this.timeoutMs = timeoutMs;
  }
}

/** A config's application could not be loaded: its `importPath` names no readable module or no usable export. */
export class ServeConfigError extends ServeError {
  override readonly code = 'SERVE_CONFIG_ERROR';
  /** The `importPath` at fault. */
  readonly importPath: string;
  constructor(importPath: string, problem: string, options?: { cause?: unknown }) {
    super(`importPath '${importPath}': ${problem}. importPath is '<module path relative to the config file>:<export name>'.`, options);
    this.importPath = importPath;
  }
}

for (const cls of [
  ServeError, RequestTimeoutError, BadRequestError, DeploymentNotFoundError, DeploymentDefinitionError, RouteNotFoundError, BackPressureError,
  RequestCancelledError, DeployTimeoutError, ServeConfigError,
]) registerErrorClass(cls as never);
