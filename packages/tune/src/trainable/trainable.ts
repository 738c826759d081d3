/**
 * Trainable types: a function `async (config) => { ... await tune.report(...) }`, or a
 * class with `setup/step/saveCheckpoint/loadCheckpoint` (Ray's class API), optionally
 * wrapped by {@link withResources}.
 */

/** A function trainable: runs a whole trial, reporting with `tune.report`. */
export type TrainableFunction<C = any> = (config: C) => unknown;

/** A class trainable: Tune calls `setup` once, then `step` per iteration. */
export interface TrainableInstance<C = any> {
  /** Called once with the trial's config. */
  setup?(config: C): unknown;
  /** One iteration; returns its metrics. Return `{ done: true, ... }` to finish the trial. */
  step(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Saves state; the returned object becomes the checkpoint's data. */
  saveCheckpoint?(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Restores state saved by `saveCheckpoint`. */
  loadCheckpoint?(data: Record<string, unknown>): unknown;
  /** Called when the trial ends. */
  cleanup?(): unknown;
}

/** A class trainable's constructor. */
export type TrainableClass<C = any> = new () => TrainableInstance<C>;

/** Resources one trial holds while it runs. */
export interface TrialResources {
  /** CPUs per trial. @default 1 */
  CPU?: number;
  /** GPUs per trial (fractions allowed). @default 0 */
  GPU?: number;
}

/** A trainable with per-trial resources (from {@link withResources}). */
export interface TrainableWithResources<T = TrainableFunction | TrainableClass> {
  readonly kind: 'withResources';
  readonly trainable: T;
  readonly resources: Readonly<Required<TrialResources>>;
}

/** Anything `new Tuner()` accepts. */
export type Trainable = TrainableFunction | TrainableClass | TrainableWithResources;

/** Gives each trial of `trainable` these resources: `tune.withResources(train, { CPU: 2 })`. */
export function withResources<T extends TrainableFunction | TrainableClass>(trainable: T, resources: TrialResources): TrainableWithResources<T> {
  if (typeof trainable !== 'function') throw new TypeError('withResources(trainable) needs a function or class');
  for (const [k, v] of Object.entries(resources ?? {})) {
    if (k !== 'CPU' && k !== 'GPU') throw new TypeError(`withResources resources.${k} is not supported (use CPU, GPU)`);
    if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`withResources resources.${k} must be a number >= 0, got ${v}`);
  }
  return Object.freeze({ kind: 'withResources', trainable, resources: Object.freeze({ CPU: resources.CPU ?? 1, GPU: resources.GPU ?? 0 }) });
}

/** @internal Splits a trainable from its resources. */
export function unwrapTrainable(t: Trainable): { fn: TrainableFunction | TrainableClass; resources: Required<TrialResources> } {
  if (t && typeof t === 'object' && (t as TrainableWithResources).kind === 'withResources') {
    const w = t as TrainableWithResources;
    return { fn: w.trainable, resources: { ...w.resources } };
  }
  if (typeof t !== 'function') throw new TypeError('Tuner(trainable) needs a function, a class or tune.withResources(...)');
  return { fn: t as TrainableFunction, resources: { CPU: 1, GPU: 0 } };
}

/** True when `x` is a class. */
export function isClass(x: unknown): boolean {
  return typeof x === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(x));
}
