/**
 * How a trainable reaches trial actors: by reference to a module export (core's
 * {@link ray.findExport}), since trial actors are other processes. The driver looks for
 * it among the exports of the module that created the Tuner and of the modules it
 * imports by relative path; the actor imports that module and takes the export.
 */
import * as ray from '@ray-ts/core';
import { callerModule as coreCallerModule } from '@ray-ts/core';
import { fileURLToPath } from 'node:url';
import { TrainableNotFoundError } from '../errors.js';
import { isClass, type TrainableClass, type TrainableFunction, type UnwrappedTrainable } from './trainable.js';
import type { TrainerTrialFunction } from './trainer.js';

/** Plain-data description of a trainable, sent to trial actors. */
export interface TrainableSpec extends ray.ExportRef {
  /** A function trainable, a class trainable, or a trainer's trial function (called with `trainerArgs` and a session). */
  readonly kind: 'function' | 'class' | 'trainer';
  /** A trainer's `args`. */
  readonly trainerArgs?: unknown;
}

const tuneSrcDir = fileURLToPath(new URL('..', import.meta.url));

/** URL of the first module on the stack outside core and tune, or undefined. */
export function callerModule(): string | undefined {
  const url = coreCallerModule([tuneSrcDir]);
  return url === 'unknown:' || url.includes('/node_modules/') ? undefined : url;
}

function notFound(fn: { name: string }, err: unknown, trainer = false): unknown {
  if (!(err instanceof ray.ExportLookupError)) return err;
  const detail = err.detail === 'was passed from a module that could not be determined' ? 'the module that created the Tuner could not be determined' : err.detail;
  return new TrainableNotFoundError(fn.name || '<anonymous>', trainer ? `${detail} (a trainer's tuneTrainable().run must be exported by the module tuneTrainable().module names)` : detail);
}

/**
 * Describes a trainable for the trial actors.
 * @throws TrainableNotFoundError when it is neither found among the exports nor named
 */
export async function describeTrainable({ fn, trainer }: UnwrappedTrainable, callerUrl: string | undefined): Promise<TrainableSpec> {
  try {
    if (trainer) return Object.freeze({ ...(await ray.findExport(trainer.run, trainer.module)), kind: 'trainer', trainerArgs: await trainer.args });
    return Object.freeze({ ...(await ray.findExport(fn, callerUrl)), kind: isClass(fn) ? 'class' : 'function' });
  } catch (err) {
    throw notFound(fn, err, trainer !== undefined);
  }
}

/** Loads a trainable in a trial actor (cached per process). */
export async function loadTrainable(spec: TrainableSpec): Promise<TrainableFunction | TrainableClass | TrainerTrialFunction> {
  let v: unknown;
  try {
    v = await ray.loadExport(spec);
  } catch (err) {
    throw notFound(spec, err);
  }
  if (typeof v !== 'function') throw new TrainableNotFoundError(spec.name, `the export '${spec.exportName}' is not a function`);
  return v as TrainableFunction | TrainableClass | TrainerTrialFunction;
}
