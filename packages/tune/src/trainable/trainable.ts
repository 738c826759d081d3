/**
 * Trainable types: a function `async (config) => { ... await tune.report(...) }`, a
 * class with `setup/step/saveCheckpoint/loadCheckpoint` (Ray's class API), or a trainer
 * object with `tuneTrainable()` (see trainer.ts), optionally wrapped by {@link withResources}.
 */
import { isTunableTrainer, trainerTrainable, type TrainerTrainable, type TunableTrainer } from './trainer.js';

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
export interface TrainableWithResources<T = TrainableFunction | TrainableClass | TunableTrainer> {
  readonly kind: 'withResources';
  readonly trainable: T;
  readonly resources: Readonly<Required<TrialResources>>;
}

/** Anything `new Tuner()` accepts. */
export type Trainable = TrainableFunction | TrainableClass | TunableTrainer | TrainableWithResources;

function checkResources(owner: string, resources: TrialResources): Readonly<Required<TrialResources>> {
  for (const [k, v] of Object.entries(resources ?? {})) {
    if (k !== 'CPU' && k !== 'GPU') throw new TypeError(`${owner}.${k} is not supported (use CPU, GPU)`);
    if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`${owner}.${k} must be a number >= 0, got ${v}`);
  }
  return Object.freeze({ CPU: resources?.CPU ?? 1, GPU: resources?.GPU ?? 0 });
}

/** Gives each trial of `trainable` (a function, class or trainer) these resources: `tune.withResources(train, { CPU: 2 })`. */
export function withResources<T extends TrainableFunction | TrainableClass | TunableTrainer>(trainable: T, resources: TrialResources): TrainableWithResources<T> {
  if (typeof trainable !== 'function' && !isTunableTrainer(trainable)) throw new TypeError('withResources(trainable) needs a function, a class or a trainer with tuneTrainable()');
  return Object.freeze({ kind: 'withResources', trainable, resources: checkResources('withResources resources', resources) });
}

/** @internal A trainable split into what the trial actors load, its resources and, for a trainer, its trial description. */
export interface UnwrappedTrainable {
  fn: TrainableFunction | TrainableClass | TrainerTrainable['run'];
  resources: Required<TrialResources>;
  /** CPUs a trial uses in all, for the default maxConcurrentTrials (a trainer's workers count). */
  cpusPerTrial: number;
  trainer?: TrainerTrainable;
}

/** @internal Splits a trainable from its resources (calls a trainer's `tuneTrainable()`). */
export function unwrapTrainable(t: Trainable): UnwrappedTrainable {
  let inner: unknown = t;
  let resources: Required<TrialResources> | undefined;
  if (t && typeof t === 'object' && (t as TrainableWithResources).kind === 'withResources') {
    const w = t as TrainableWithResources;
    inner = w.trainable;
    resources = { ...w.resources };
  }
  if (isTunableTrainer(inner)) {
    const trainer = trainerTrainable(inner);
    const res = resources ?? { ...checkResources('tuneTrainable().resources', trainer.resources ?? {}) };
    return { fn: trainer.run, resources: res, cpusPerTrial: trainer.cpusPerTrial ?? res.CPU, trainer };
  }
  if (typeof inner !== 'function') throw new TypeError('Tuner(trainable) needs a function, a class, a trainer with tuneTrainable() or tune.withResources(...)');
  const res = resources ?? { CPU: 1, GPU: 0 };
  return { fn: inner as TrainableFunction, resources: res, cpusPerTrial: res.CPU };
}

/** True when `x` is a class. */
export function isClass(x: unknown): boolean {
  return typeof x === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(x));
}
