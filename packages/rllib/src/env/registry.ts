/**
 * The env registry (Gymnasium's `register`/`make`, RLlib's `register_env`): ids mapped to
 * a creator function or an env class, with the built-ins pre-registered under their
 * Gymnasium ids (`CartPole-v1`, `Pendulum-v1`, `MountainCar-v0`, plus `GridWorld-v0`).
 *
 * The registry lives in each process. Env runners are actors in other processes, so a
 * user's `registerEnv` call must also run there: make it at the top level of a module
 * (not inside a function or an `if`). `registerEnv` records that module, and an env runner
 * that is asked for an id it does not know imports the module first (see `envSpec`). A
 * module that is also the driver's main module must guard its driver code with
 * `if (ray.isMain(import.meta))`. Alternatively pass the exported env class or factory
 * itself instead of a name.
 */
import { fileURLToPath } from 'node:url';
import { callerModule } from '@ray-ts/core';
import type { Env, EnvCreator } from './env.js';
import { EnvAlreadyRegisteredError, EnvNotFoundError } from './errors.js';
import { CartPoleEnv } from './cartpole.js';
import { GridWorldEnv } from './grid-world.js';
import { MountainCarEnv } from './mountain-car.js';
import { PendulumEnv } from './pendulum.js';
import { TimeLimit } from './time-limit.js';

/** An env class; `makeEnv` constructs it with `new Cls(config)`. */
export type EnvClass = new (config: Record<string, unknown>) => Env;

/** What `makeEnv` accepts: a registered id, an env class or a creator function. */
export type EnvTarget = string | EnvClass | EnvCreator;

/** Options of {@link registerEnv}. */
export interface RegisterEnvOptions {
  /**
   * Replace an existing registration of the same id (built-ins included).
   * @default false
   */
  readonly override?: boolean;
  /**
   * Wrap every env made from this id in a {@link TimeLimit} of this many steps
   * (Gymnasium's `max_episode_steps`); undefined means no limit.
   * @default undefined
   */
  readonly maxEpisodeSteps?: number;
}

/** Options of {@link makeEnv}. */
export interface MakeEnvOptions {
  /**
   * Step limit for the made env: a number overrides the registration's, `null` disables
   * the limit, undefined keeps the registration's (none for a class or creator).
   * @default undefined
   */
  readonly maxEpisodeSteps?: number | null;
}

/** One registry entry. */
export interface EnvRegistration {
  /** The id. */
  readonly id: string;
  /** The class or creator. */
  readonly target: EnvClass | EnvCreator;
  /** Default step limit, if any. */
  readonly maxEpisodeSteps: number | undefined;
  /** URL of the module that registered it (undefined for built-ins): env runners import it. */
  readonly module: string | undefined;
}

const rllibSrcDir = fileURLToPath(new URL('..', import.meta.url));
const registry = new Map<string, EnvRegistration>();

function builtin(id: string, target: EnvClass, maxEpisodeSteps: number): void {
  registry.set(id, Object.freeze({ id, target, maxEpisodeSteps, module: undefined }));
}
builtin('CartPole-v1', CartPoleEnv as EnvClass, 500);
builtin('Pendulum-v1', PendulumEnv as EnvClass, 200);
builtin('MountainCar-v0', MountainCarEnv as EnvClass, 200);
builtin('GridWorld-v0', GridWorldEnv as EnvClass, 100);

/** True when `f` is a class (constructed with `new`) rather than a creator function. */
export function isEnvClass(f: unknown): f is EnvClass {
  return typeof f === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(f));
}

function checkMaxSteps(v: unknown, field: string): void {
  if (v !== undefined && v !== null && (!Number.isSafeInteger(v) || (v as number) <= 0)) {
    throw new RangeError(`${field} must be a positive integer, got ${String(v)}`);
  }
}

/**
 * Registers an env under `id`. Call it at the top level of a module the env runners
 * import (see the module comment).
 * @throws TypeError when `id` is empty or `target` is not a function
 * @throws RangeError when `options.maxEpisodeSteps` is not a positive integer
 * @throws EnvAlreadyRegisteredError when `id` is taken and `options.override` is not set
 */
export function registerEnv(id: string, target: EnvClass | EnvCreator, options: RegisterEnvOptions = {}): void {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('id must be a non-empty string');
  if (typeof target !== 'function') throw new TypeError('target must be an env class or a creator function (config) => Env');
  checkMaxSteps(options.maxEpisodeSteps, 'options.maxEpisodeSteps');
  if (registry.has(id) && !options.override) throw new EnvAlreadyRegisteredError(id);
  const url = callerModule([rllibSrcDir]);
  const module = url.startsWith('file:') ? url : undefined;
  registry.set(id, Object.freeze({ id, target, maxEpisodeSteps: options.maxEpisodeSteps, module }));
}

/** Removes a registration; returns whether there was one. */
export function unregisterEnv(id: string): boolean {
  return registry.delete(id);
}

/** The registration of `id`, or undefined. */
export function envRegistration(id: string): EnvRegistration | undefined {
  return registry.get(id);
}

/** The registered ids (built-ins included), sorted. */
export function registeredEnvIds(): string[] {
  return [...registry.keys()].sort();
}

/** The registration whose class or creator is `target` (identity), if any. */
export function findRegistration(target: Function): EnvRegistration | undefined {
  for (const r of registry.values()) if (r.target === target) return r;
  return undefined;
}

/**
 * Makes an env: by registered id (with its step limit), or from a class (`new Cls(config)`)
 * or creator (`creator(config)`).
 * @throws EnvNotFoundError for an unknown id (the message lists the known ids)
 * @throws TypeError when the target is not a string or function, or does not return an env
 * @throws RangeError when `options.maxEpisodeSteps` is not a positive integer
 */
export function makeEnv(target: EnvTarget, config: Record<string, unknown> = {}, options: MakeEnvOptions = {}): Env {
  checkMaxSteps(options.maxEpisodeSteps, 'options.maxEpisodeSteps');
  if (config === null || typeof config !== 'object') throw new TypeError('config must be an object');
  let fn: EnvClass | EnvCreator;
  let limit: number | undefined;
  let name: string;
  if (typeof target === 'string') {
    const reg = registry.get(target);
    if (!reg) throw new EnvNotFoundError(target, registeredEnvIds());
    fn = reg.target;
    limit = reg.maxEpisodeSteps;
    name = target;
  } else if (typeof target === 'function') {
    fn = target;
    name = target.name || '<anonymous>';
  } else {
    throw new TypeError('env must be a registered id, an env class or a creator function');
  }
  if (options.maxEpisodeSteps !== undefined) limit = options.maxEpisodeSteps ?? undefined;
  const env = isEnvClass(fn) ? new fn(config) : (fn as EnvCreator)(config);
  if (!isEnv(env)) throw new TypeError(`The creator of env '${name}' returned ${String(env)}, not an Env (reset, step, observationSpace, actionSpace)`);
  return limit === undefined ? env : new TimeLimit(env, limit);
}

/** True when `x` looks like an {@link Env}. */
export function isEnv(x: unknown): x is Env {
  const e = x as Env | null;
  return !!e && typeof e === 'object' && typeof e.reset === 'function' && typeof e.step === 'function' &&
    !!e.observationSpace && !!e.actionSpace;
}
