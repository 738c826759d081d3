/**
 * Options of remote functions, actors and init(), validated at the call site: a bad
 * field throws TypeError or RangeError naming it, synchronously.
 */
import type { ResourceMap, RuntimeEnvWire, SchedulingStrategyWire } from '../transport/protocol.js';
import { pgRequest } from '../gcs/pg-placement.js';

/** Where a task or actor may run. */
export type SchedulingStrategy =
  | 'DEFAULT'
  | 'SPREAD'
  | { type: 'NODE_AFFINITY'; nodeId: string; soft?: boolean }
  /** On a node whose labels (`ray-ts start --labels`) include all of `hard`, preferring those that also match `soft`. */
  | { type: 'NODE_LABEL'; hard: Record<string, string>; soft?: Record<string, string> }
  /** Into a placement group's bundle `bundleIndex` (any bundle when omitted or -1). */
  | { type: 'PLACEMENT_GROUP'; placementGroup: { readonly id: string; readonly bundleCount: number }; bundleIndex?: number };

/** Environment of the worker that runs a task or actor. */
export interface RuntimeEnv {
  /** Environment variables set in the worker process. */
  envVars?: Record<string, string>;
}

/** Options of a remote function (`remote(fn, opts)` or `.options(opts)`). */
export interface TaskOptions {
  /** CPUs the task holds while it runs. @default 1 */
  numCpus?: number;
  /** GPUs the task holds (fractions allowed). @default 0 */
  numGpus?: number;
  /** Memory (bytes) the task reserves for scheduling. @default 0 */
  memory?: number;
  /** Custom resources, e.g. `{ accelerator: 1 }`. @default {} */
  resources?: ResourceMap;
  /** Times a task is retried when its worker dies (and, with retryExceptions, when it throws); -1 for unlimited. @default 3 */
  maxRetries?: number;
  /** Retry when the task throws: true for any error, or the error names to retry on. @default false */
  retryExceptions?: boolean | string[];
  /** Number of return values (the function returns an array of that length), or 'streaming' for a generator. @default 1 */
  numReturns?: number | 'streaming';
  /**
   * Streaming generators (Ray's `_generator_backpressure_num_objects`): the worker pauses the
   * generator while this many of its items are produced but not yet consumed by the caller's
   * `ObjectRefGenerator`, and resumes as the caller reads on. `-1` for no limit. Ignored when
   * the call does not stream. @default -1
   */
  generatorBackpressureNumObjects?: number;
  /** Environment of the worker. */
  runtimeEnv?: RuntimeEnv;
  /** Placement. @default 'DEFAULT' */
  schedulingStrategy?: SchedulingStrategy;
  /** Name shown in errors and the state API. @default the function's name */
  name?: string;
}

/** Options of an actor class (`remote(Class, opts)` or `.options(opts)`). */
export interface ActorOptions {
  /** Name to find the actor by with getActor(). */
  name?: string;
  /** Namespace of the name. @default the job's namespace */
  namespace?: string;
  /** 'detached' actors outlive the driver that made them (on a cluster). @default undefined */
  lifetime?: 'detached';
  /** With a name: return the existing actor of that name instead of failing. @default false */
  getIfExists?: boolean;
  /** Restarts after the actor's process dies; -1 for unlimited. @default 0 */
  maxRestarts?: number;
  /** Retries of a call whose actor died while running it; -1 for unlimited. @default 0 */
  maxTaskRetries?: number;
  /** Calls that run at once. @default 1, or 1000 for a class with async methods */
  maxConcurrency?: number;
  /** CPUs the actor holds for its lifetime. @default 0 */
  numCpus?: number;
  /** GPUs the actor holds. @default 0 */
  numGpus?: number;
  /** Memory (bytes) reserved for scheduling. @default 0 */
  memory?: number;
  /** Custom resources. @default {} */
  resources?: ResourceMap;
  /** Environment of the actor's worker. */
  runtimeEnv?: RuntimeEnv;
  /** Placement. @default 'DEFAULT' */
  schedulingStrategy?: SchedulingStrategy;
}

/** Options of an actor method call (`handle.method.options(opts).remote()`). */
export interface ActorMethodOptions {
  /** Number of return values, or 'streaming'. @default 1 (generator methods: 'streaming') */
  numReturns?: number | 'streaming';
  /**
   * Streaming generators (Ray's `_generator_backpressure_num_objects`): the worker pauses the
   * generator while this many of its items are produced but not yet consumed by the caller's
   * `ObjectRefGenerator`, and resumes as the caller reads on. `-1` for no limit. Ignored when
   * the call does not stream. @default -1
   */
  generatorBackpressureNumObjects?: number;
  /** Name shown in errors. */
  name?: string;
}

const TASK_KEYS = new Set(['numCpus', 'numGpus', 'memory', 'resources', 'maxRetries', 'retryExceptions', 'numReturns', 'generatorBackpressureNumObjects', 'runtimeEnv', 'schedulingStrategy', 'name']);
const ACTOR_KEYS = new Set(['name', 'namespace', 'lifetime', 'getIfExists', 'maxRestarts', 'maxTaskRetries', 'maxConcurrency', 'numCpus', 'numGpus', 'memory', 'resources', 'runtimeEnv', 'schedulingStrategy']);
const METHOD_KEYS = new Set(['numReturns', 'generatorBackpressureNumObjects', 'name']);

/** Rejects fields that are not options. */
export function checkKeys(where: string, opts: object, allowed: Set<string>): void {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${where} must be an object`);
  for (const k of Object.keys(opts)) {
    if (!allowed.has(k)) throw new TypeError(`${where}.${k} is not a known option (known: ${[...allowed].join(', ')})`);
  }
}

/** A non-negative finite number. */
export function nonNegative(where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${where} must be a number, got ${describe(v)}`);
  if (v < 0) throw new RangeError(`${where} must be >= 0, got ${v}`);
  return v;
}

function intAtLeast(where: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where} must be an integer, got ${describe(v)}`);
  if (v < min) throw new RangeError(`${where} must be >= ${min}, got ${v}`);
  return v;
}

/** `generatorBackpressureNumObjects`: an integer >= 1, or -1 (none); resolved to undefined for none. */
function backpressure(where: string, v: unknown): number | undefined {
  if (v === undefined || v === -1) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where}.generatorBackpressureNumObjects must be an integer, got ${describe(v)}`);
  if (v < 1) throw new RangeError(`${where}.generatorBackpressureNumObjects must be >= 1 (or -1 for no limit), got ${v}`);
  return v;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

/** Builds the resource request from numCpus/numGpus/memory/resources. */
export function resourceRequest(where: string, o: { numCpus?: number; numGpus?: number; memory?: number; resources?: ResourceMap }, defaultCpus: number): ResourceMap {
  const out: ResourceMap = {};
  const cpu = o.numCpus === undefined ? defaultCpus : nonNegative(`${where}.numCpus`, o.numCpus);
  if (cpu > 0) out.CPU = cpu;
  if (o.numGpus !== undefined) {
    const g = nonNegative(`${where}.numGpus`, o.numGpus);
    if (g > 1 && !Number.isInteger(g)) throw new RangeError(`${where}.numGpus above 1 must be a whole number, got ${g}`);
    if (g > 0) out.GPU = g;
  }
  if (o.memory !== undefined) {
    const m = nonNegative(`${where}.memory`, o.memory);
    if (m > 0) out.memory = m;
  }
  if (o.resources !== undefined) {
    if (o.resources === null || typeof o.resources !== 'object') throw new TypeError(`${where}.resources must be an object of numbers`);
    for (const [k, v] of Object.entries(o.resources)) {
      if (k === 'CPU' || k === 'GPU') throw new TypeError(`${where}.resources.${k}: use numCpus/numGpus instead`);
      const n = nonNegative(`${where}.resources.${k}`, v);
      if (n > 0) out[k] = n;
    }
  }
  return out;
}

function runtimeEnvWire(where: string, env: RuntimeEnv | undefined): RuntimeEnvWire | undefined {
  if (env === undefined) return undefined;
  checkKeys(`${where}.runtimeEnv`, env, new Set(['envVars']));
  if (env.envVars === undefined) return undefined;
  if (env.envVars === null || typeof env.envVars !== 'object') throw new TypeError(`${where}.runtimeEnv.envVars must be an object of strings`);
  for (const [k, v] of Object.entries(env.envVars)) {
    if (typeof v !== 'string') throw new TypeError(`${where}.runtimeEnv.envVars.${k} must be a string, got ${describe(v)}`);
  }
  return { envVars: { ...env.envVars } };
}

function strategyWire(where: string, s: SchedulingStrategy | undefined): SchedulingStrategyWire {
  if (s === undefined || s === 'DEFAULT') return { kind: 'DEFAULT' };
  if (s === 'SPREAD') return { kind: 'SPREAD' };
  if (typeof s === 'object' && s !== null && s.type === 'NODE_AFFINITY') {
    if (typeof s.nodeId !== 'string' || !s.nodeId) throw new TypeError(`${where}.schedulingStrategy.nodeId must be a node id string`);
    return { kind: 'NODE_AFFINITY', nodeId: s.nodeId, soft: !!s.soft };
  }
  if (typeof s === 'object' && s !== null && s.type === 'NODE_LABEL') {
    const check = (name: string, m: unknown): Record<string, string> => {
      if (m === undefined) return {};
      if (m === null || typeof m !== 'object') throw new TypeError(`${where}.schedulingStrategy.${name} must be an object of label values`);
      for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') throw new TypeError(`${where}.schedulingStrategy.${name}.${k} must be a string`);
      return { ...(m as Record<string, string>) };
    };
    return { kind: 'NODE_LABEL', hard: check('hard', s.hard), soft: check('soft', s.soft) };
  }
  if (typeof s === 'object' && s !== null && s.type === 'PLACEMENT_GROUP') {
    const pg = s.placementGroup;
    if (!pg || typeof pg.id !== 'string') throw new TypeError(`${where}.schedulingStrategy.placementGroup must be a PlacementGroup`);
    const index = s.bundleIndex ?? -1;
    if (!Number.isInteger(index) || index < -1 || index >= pg.bundleCount) {
      throw new RangeError(`${where}.schedulingStrategy.bundleIndex must be -1 or a bundle index below ${pg.bundleCount}, got ${String(s.bundleIndex)}`);
    }
    return { kind: 'PLACEMENT_GROUP', pgId: pg.id, bundleIndex: index };
  }
  throw new TypeError(`${where}.schedulingStrategy must be 'DEFAULT', 'SPREAD', { type: 'NODE_AFFINITY', nodeId, soft }, { type: 'NODE_LABEL', hard, soft } or { type: 'PLACEMENT_GROUP', placementGroup, bundleIndex }`);
}

/** A request inside a placement group asks for its bundle's resources instead. */
function placed(resources: ResourceMap, strategy: SchedulingStrategyWire): ResourceMap {
  return strategy.kind === 'PLACEMENT_GROUP' ? pgRequest(resources, strategy.pgId, strategy.bundleIndex) : resources;
}

/** Task options resolved once, frozen. */
export interface ResolvedTaskOptions {
  name?: string;
  numReturns: number;
  /** Streaming: items produced ahead of the consumer before the generator pauses (undefined: no limit). */
  genBackpressure?: number;
  resources: ResourceMap;
  maxRetries: number;
  retryExceptions: boolean | string[];
  runtimeEnv?: RuntimeEnvWire;
  strategy: SchedulingStrategyWire;
}

/** Validates and resolves task options. */
export function resolveTaskOptions(o: TaskOptions, defaultMaxRetries: number, where = 'options'): ResolvedTaskOptions {
  checkKeys(where, o, TASK_KEYS);
  const maxRetries = o.maxRetries === undefined ? defaultMaxRetries : intAtLeast(`${where}.maxRetries`, o.maxRetries, -1);
  let retryExceptions: boolean | string[] = false;
  if (o.retryExceptions !== undefined) {
    if (typeof o.retryExceptions === 'boolean') retryExceptions = o.retryExceptions;
    else if (Array.isArray(o.retryExceptions) && o.retryExceptions.every((x) => typeof x === 'string')) retryExceptions = [...o.retryExceptions];
    else throw new TypeError(`${where}.retryExceptions must be a boolean or an array of error names`);
  }
  let numReturns = 1;
  if (o.numReturns === 'streaming') numReturns = -1;
  else if (o.numReturns !== undefined) numReturns = intAtLeast(`${where}.numReturns`, o.numReturns, 1);
  if (o.name !== undefined && typeof o.name !== 'string') throw new TypeError(`${where}.name must be a string`);
  const strategy = strategyWire(where, o.schedulingStrategy);
  return Object.freeze({
    name: o.name,
    numReturns,
    genBackpressure: backpressure(where, o.generatorBackpressureNumObjects),
    resources: placed(resourceRequest(where, o, 1), strategy),
    maxRetries: maxRetries === -1 ? Number.MAX_SAFE_INTEGER : maxRetries,
    retryExceptions,
    runtimeEnv: runtimeEnvWire(where, o.runtimeEnv),
    strategy,
  });
}

/** Actor options resolved once, frozen. */
export interface ResolvedActorOptions {
  name?: string;
  namespace?: string;
  detached: boolean;
  getIfExists: boolean;
  maxRestarts: number;
  maxTaskRetries: number;
  maxConcurrency?: number;
  resources: ResourceMap;
  runtimeEnv?: RuntimeEnvWire;
  strategy: SchedulingStrategyWire;
}

/** Validates and resolves actor options. */
export function resolveActorOptions(o: ActorOptions, where = 'options'): ResolvedActorOptions {
  checkKeys(where, o, ACTOR_KEYS);
  if (o.name !== undefined && (typeof o.name !== 'string' || !o.name)) throw new TypeError(`${where}.name must be a non-empty string`);
  if (o.namespace !== undefined && (typeof o.namespace !== 'string' || !o.namespace)) throw new TypeError(`${where}.namespace must be a non-empty string`);
  if (o.lifetime !== undefined && o.lifetime !== 'detached') throw new TypeError(`${where}.lifetime must be 'detached' or undefined`);
  if (o.lifetime === 'detached' && !o.name) throw new TypeError(`${where}.lifetime 'detached' needs a name, so the actor can be found again`);
  if (o.getIfExists !== undefined && typeof o.getIfExists !== 'boolean') throw new TypeError(`${where}.getIfExists must be a boolean`);
  const maxRestarts = o.maxRestarts === undefined ? 0 : intAtLeast(`${where}.maxRestarts`, o.maxRestarts, -1);
  const maxTaskRetries = o.maxTaskRetries === undefined ? 0 : intAtLeast(`${where}.maxTaskRetries`, o.maxTaskRetries, -1);
  const maxConcurrency = o.maxConcurrency === undefined ? undefined : intAtLeast(`${where}.maxConcurrency`, o.maxConcurrency, 1);
  const strategy = strategyWire(where, o.schedulingStrategy);
  return Object.freeze({
    name: o.name,
    namespace: o.namespace,
    detached: o.lifetime === 'detached',
    getIfExists: !!o.getIfExists,
    maxRestarts,
    maxTaskRetries,
    maxConcurrency,
    resources: placed(resourceRequest(where, o, 0), strategy),
    runtimeEnv: runtimeEnvWire(where, o.runtimeEnv),
    strategy,
  });
}

/** Validates actor method options. */
export function resolveMethodOptions(o: ActorMethodOptions, where = 'options'): { numReturns?: number; genBackpressure?: number; name?: string } {
  checkKeys(where, o, METHOD_KEYS);
  let numReturns: number | undefined;
  if (o.numReturns === 'streaming') numReturns = -1;
  else if (o.numReturns !== undefined) numReturns = intAtLeast(`${where}.numReturns`, o.numReturns, 1);
  if (o.name !== undefined && typeof o.name !== 'string') throw new TypeError(`${where}.name must be a string`);
  return { numReturns, genBackpressure: backpressure(where, o.generatorBackpressureNumObjects), name: o.name };
}
