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
import { isClass, type TrainableClass, type TrainableFunction } from './trainable.js';

/** Plain-data description of a trainable, sent to trial actors. */
export interface TrainableSpec extends ray.ExportRef {
  /** Whether it is a class trainable. */
  readonly isClass: boolean;
}

const tuneSrcDir = fileURLToPath(new URL('..', import.meta.url));

/** URL of the first module on the stack outside core and tune, or undefined. */
export function callerModule(): string | undefined {
  const url = coreCallerModule([tuneSrcDir]);
  return url === 'unknown:' || url.includes('/node_modules/') ? undefined : url;
}

function notFound(fn: { name: string }, err: unknown): unknown {
  if (!(err instanceof ray.ExportLookupError)) return err;
  const detail = err.detail === 'was passed from a module that could not be determined' ? 'the module that created the Tuner could not be determined' : err.detail;
  return new TrainableNotFoundError(fn.name || '<anonymous>', detail);
}

/**
 * Describes a trainable for the trial actors.
 * @throws TrainableNotFoundError when it is neither found among the exports nor named
 */
export async function describeTrainable(fn: TrainableFunction | TrainableClass, callerUrl: string | undefined): Promise<TrainableSpec> {
  try {
    return Object.freeze({ ...(await ray.findExport(fn, callerUrl)), isClass: isClass(fn) });
  } catch (err) {
    throw notFound(fn, err);
  }
}

/** Loads a trainable in a trial actor (cached per process). */
export async function loadTrainable(spec: TrainableSpec): Promise<TrainableFunction | TrainableClass> {
  let v: unknown;
  try {
    v = await ray.loadExport(spec);
  } catch (err) {
    throw notFound(spec, err);
  }
  if (typeof v !== 'function') throw new TrainableNotFoundError(spec.name, `the export '${spec.exportName}' is not a function`);
  return v as TrainableFunction | TrainableClass;
}
