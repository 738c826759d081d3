/**
 * Options of deployments and of `serve.run`, checked once at the call site and resolved
 * into frozen, complete objects. A bad field throws TypeError/RangeError naming it.
 */
import type { ActorOptions } from '@ray-ts/core';
import { PROXY_LOCATIONS, type ProxyLocation } from './internal/proxy-plan.js';

/** Autoscaling on ongoing requests per replica (Ray Serve's `autoscaling_config`). */
export interface AutoscalingConfig {
  /** Fewest replicas. @default 1 */
  minReplicas?: number;
  /** Most replicas. @default 1 */
  maxReplicas?: number;
  /** Ongoing requests per replica the autoscaler aims for. @default 2 */
  targetOngoingRequests?: number;
  /** Seconds the wish to scale up must last before replicas are added. @default 30 */
  upscaleDelayS?: number;
  /** Seconds the wish to scale down must last before replicas are removed. @default 600 */
  downscaleDelayS?: number;
  /**
   * Seconds of load history the decision averages (Ray's `look_back_period_s`): the load
   * (requests at replicas plus requests queued in handles) is sampled on every control-loop
   * pass and the policy acts on the mean of the samples of the last `lookBackPeriodS`
   * seconds (fewer while a deployment is younger than that). Must be positive. @default 30
   */
  lookBackPeriodS?: number;
}

/** Options of `serve.deployment(Class, options)`. */
export interface DeploymentOptions {
  /** Name of the deployment, unique in its application. @default the class name */
  name?: string;
  /** Replicas to run (ignored with `autoscalingConfig`). @default 1 */
  numReplicas?: number;
  /** Requests a replica runs at once; callers queue beyond that. @default 5 */
  maxOngoingRequests?: number;
  /** Requests a caller may queue for this deployment when every replica is full; beyond it calls fail with BackPressureError (HTTP 503). -1: no limit. @default -1 */
  maxQueuedRequests?: number;
  /** Actor options of each replica (numCpus, numGpus, resources, runtimeEnv...). @default {} */
  rayActorOptions?: Omit<ActorOptions, 'name' | 'namespace' | 'lifetime' | 'getIfExists' | 'maxConcurrency'>;
  /** Scale the replica count on load instead of a fixed `numReplicas`. @default undefined */
  autoscalingConfig?: AutoscalingConfig;
  /** Passed to the instance's `reconfigure(userConfig)` after construction. @default undefined */
  userConfig?: unknown;
  /**
   * Streamed responses (HTTP streams and `stream: true` calls): chunks a replica's generator
   * may produce ahead of what the caller has read; beyond it the generator pauses until the
   * caller (a slow HTTP client, through the proxy) reads on. Core's `generatorBackpressureNumObjects`
   * on the stream call. -1: no limit. @default 16
   */
  streamBackpressureNumObjects?: number;
}

/** Deployment options resolved. */
export interface ResolvedDeploymentOptions {
  readonly name: string;
  readonly numReplicas: number;
  readonly maxOngoingRequests: number;
  readonly maxQueuedRequests: number;
  readonly rayActorOptions: Readonly<Record<string, unknown>>;
  readonly autoscalingConfig?: Readonly<Required<AutoscalingConfig>>;
  readonly userConfig?: unknown;
  readonly streamBackpressureNumObjects: number;
}

/** Options of `serve.run(app, options)`. */
export interface RunOptions {
  /** Application name. @default 'default' */
  name?: string;
  /** HTTP path prefix of the ingress deployment, or null for no HTTP route. @default '/' */
  routePrefix?: string | null;
  /** HTTP port of the proxy; 0 picks a free one (see `serve.status().proxy.port`). @default 8000 */
  port?: number;
  /** Interface the proxy listens on. @default '127.0.0.1' */
  host?: string;
  /** Seconds an HTTP request may wait for its response to start (a stream: its first chunk) before the proxy answers 408 and cancels it. @default 60 */
  requestTimeoutS?: number;
  /** Milliseconds to wait for every replica to start. @default 120000 */
  readyTimeoutMs?: number;
  /**
   * Where HTTP proxies run (Ray's `proxy_location`): 'EveryNode', one per node of the cluster
   * (nodes that share a host listen on port + k, see the README), or 'HeadOnly'. Like host and
   * port, the first `serve.run` that starts the proxies sets it. @default 'EveryNode'
   */
  proxyLocation?: ProxyLocation;
}

/** Run options resolved. */
export type ResolvedRunOptions = Readonly<Required<Omit<RunOptions, 'routePrefix'>> & { routePrefix: string | null }>;

const DEPLOYMENT_KEYS = new Set(['name', 'numReplicas', 'maxOngoingRequests', 'maxQueuedRequests', 'rayActorOptions', 'autoscalingConfig', 'userConfig', 'streamBackpressureNumObjects']);
/** Default of `streamBackpressureNumObjects`. */
export const DEFAULT_STREAM_BACKPRESSURE = 16;
const AUTOSCALING_KEYS = new Set(['minReplicas', 'maxReplicas', 'targetOngoingRequests', 'upscaleDelayS', 'downscaleDelayS', 'lookBackPeriodS']);
const RUN_KEYS = new Set(['name', 'routePrefix', 'port', 'host', 'requestTimeoutS', 'readyTimeoutMs', 'proxyLocation']);
const FORBIDDEN_ACTOR_KEYS = ['name', 'namespace', 'lifetime', 'getIfExists', 'maxConcurrency'];

function checkObject(where: string, o: unknown, keys: Set<string>): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TypeError(`${where} must be an object`);
  for (const k of Object.keys(o)) if (!keys.has(k)) throw new TypeError(`${where}.${k} is not an option; expected one of ${[...keys].join(', ')}`);
  return o as Record<string, unknown>;
}

function int(where: string, v: unknown, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where} must be an integer`);
  if (v < min || v > max) throw new RangeError(`${where} must be between ${min} and ${max}, got ${v}`);
  return v;
}

function num(where: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${where} must be a number`);
  if (v < min) throw new RangeError(`${where} must be at least ${min}, got ${v}`);
  return v;
}

function positive(where: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${where} must be a finite number`);
  if (v <= 0) throw new RangeError(`${where} must be greater than 0, got ${v}`);
  return v;
}

function resolveAutoscaling(where: string, a: unknown): Required<AutoscalingConfig> {
  const o = checkObject(where, a, AUTOSCALING_KEYS);
  const minReplicas = int(`${where}.minReplicas`, o.minReplicas, 1, 0);
  const maxReplicas = int(`${where}.maxReplicas`, o.maxReplicas, Math.max(1, minReplicas), 1);
  if (maxReplicas < minReplicas) throw new RangeError(`${where}.maxReplicas (${maxReplicas}) must be at least minReplicas (${minReplicas})`);
  const targetOngoingRequests = num(`${where}.targetOngoingRequests`, o.targetOngoingRequests, 2, Number.MIN_VALUE);
  return Object.freeze({
    minReplicas, maxReplicas, targetOngoingRequests,
    upscaleDelayS: num(`${where}.upscaleDelayS`, o.upscaleDelayS, 30, 0),
    downscaleDelayS: num(`${where}.downscaleDelayS`, o.downscaleDelayS, 600, 0),
    lookBackPeriodS: positive(`${where}.lookBackPeriodS`, o.lookBackPeriodS, 30),
  });
}

/** Validates deployment options; `className` is the default name. */
export function resolveDeploymentOptions(o: DeploymentOptions | undefined, className: string, where = 'deployment options'): ResolvedDeploymentOptions {
  const r = checkObject(where, o ?? {}, DEPLOYMENT_KEYS);
  if (r.name !== undefined && (typeof r.name !== 'string' || !r.name || r.name.includes('#'))) throw new TypeError(`${where}.name must be a non-empty string without '#'`);
  const actor: Record<string, unknown> = r.rayActorOptions === undefined ? {} : { ...(r.rayActorOptions as Record<string, unknown>) };
  if (typeof actor !== 'object' || actor === null || Array.isArray(r.rayActorOptions)) throw new TypeError(`${where}.rayActorOptions must be an object`);
  for (const k of FORBIDDEN_ACTOR_KEYS) if (k in actor) throw new TypeError(`${where}.rayActorOptions.${k} is set by Serve and cannot be given`);
  return Object.freeze({
    name: (r.name as string | undefined) ?? className,
    numReplicas: int(`${where}.numReplicas`, r.numReplicas, 1, 1),
    maxOngoingRequests: int(`${where}.maxOngoingRequests`, r.maxOngoingRequests, 5, 1),
    maxQueuedRequests: int(`${where}.maxQueuedRequests`, r.maxQueuedRequests, -1, -1),
    rayActorOptions: Object.freeze(actor),
    autoscalingConfig: r.autoscalingConfig === undefined ? undefined : resolveAutoscaling(`${where}.autoscalingConfig`, r.autoscalingConfig),
    userConfig: r.userConfig,
    streamBackpressureNumObjects: streamBackpressure(`${where}.streamBackpressureNumObjects`, r.streamBackpressureNumObjects),
  });
}

function streamBackpressure(where: string, v: unknown): number {
  if (v === -1) return -1;
  return int(where, v, DEFAULT_STREAM_BACKPRESSURE, 1);
}

/** Validates `serve.run` options. */
export function resolveRunOptions(o: RunOptions | undefined, where = 'serve.run options'): ResolvedRunOptions {
  const r = checkObject(where, o ?? {}, RUN_KEYS);
  if (r.name !== undefined && (typeof r.name !== 'string' || !r.name || r.name.includes('#'))) throw new TypeError(`${where}.name must be a non-empty string without '#'`);
  let routePrefix: string | null = '/';
  if (r.routePrefix === null) routePrefix = null;
  else if (r.routePrefix !== undefined) {
    if (typeof r.routePrefix !== 'string' || !r.routePrefix.startsWith('/')) throw new TypeError(`${where}.routePrefix must be a string starting with '/' (or null)`);
    routePrefix = r.routePrefix.length > 1 ? r.routePrefix.replace(/\/+$/, '') : '/';
  }
  if (r.host !== undefined && (typeof r.host !== 'string' || !r.host)) throw new TypeError(`${where}.host must be a non-empty string`);
  if (r.proxyLocation !== undefined && !PROXY_LOCATIONS.includes(r.proxyLocation as ProxyLocation)) {
    throw new TypeError(`${where}.proxyLocation must be one of ${PROXY_LOCATIONS.map((l) => `'${l}'`).join(', ')}, got ${JSON.stringify(r.proxyLocation)}`);
  }
  return Object.freeze({
    name: (r.name as string | undefined) ?? 'default',
    routePrefix,
    port: int(`${where}.port`, r.port, 8000, 0, 65535),
    host: (r.host as string | undefined) ?? '127.0.0.1',
    requestTimeoutS: num(`${where}.requestTimeoutS`, r.requestTimeoutS, 60, Number.MIN_VALUE),
    readyTimeoutMs: int(`${where}.readyTimeoutMs`, r.readyTimeoutMs, 120_000, 1),
    proxyLocation: (r.proxyLocation as ProxyLocation | undefined) ?? 'EveryNode',
  });
}
