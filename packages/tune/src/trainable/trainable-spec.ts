/**
 * How a trainable reaches trial actors (the same approach as @ray-ts/data's user
 * functions): trial actors are other processes, so the trainable must be an export of a
 * module. The driver looks for it among the exports of the module that created the Tuner
 * and of the modules it imports by relative path; the actor imports that module and takes
 * the export. When the module is still evaluating (a main module awaiting `fit()`), its
 * namespace is not available yet, and the export is looked up by the function's name.
 */
import * as ray from '@ray-ts/core';
import { callerModule as coreCallerModule } from '@ray-ts/core';
import { fileURLToPath } from 'node:url';
import { TrainableNotFoundError } from '../errors.js';
import { isClass, type TrainableClass, type TrainableFunction } from './trainable.js';

/** Plain-data description of a trainable, sent to trial actors. */
export interface TrainableSpec {
  /** Display name. */
  readonly name: string;
  /** Modules to look in, in order. */
  readonly modules: readonly string[];
  /** The export's name (found by identity, or assumed to be the function's name). */
  readonly exportName: string;
  /** Whether it is a class trainable. */
  readonly isClass: boolean;
}

const tuneSrcDir = fileURLToPath(new URL('..', import.meta.url));

/** URL of the first module on the stack outside core and tune, or undefined. */
export function callerModule(): string | undefined {
  const url = coreCallerModule([tuneSrcDir]);
  return url === 'unknown:' || url.includes('/node_modules/') ? undefined : url;
}

/** The namespace of a module, or undefined when it fails or does not settle quickly (still evaluating). */
async function namespaceOf(url: string): Promise<Record<string, unknown> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 250)));
  try {
    return await Promise.race([ray.importModule(url).then((ns) => ns, () => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Describes a trainable for the trial actors.
 * @throws TrainableNotFoundError when it is neither found among the exports nor named
 */
export async function describeTrainable(fn: TrainableFunction | TrainableClass, callerUrl: string | undefined): Promise<TrainableSpec> {
  const name = fn.name || '<anonymous>';
  if (!callerUrl || !callerUrl.startsWith('file:')) throw new TrainableNotFoundError(name, 'the module that created the Tuner could not be determined');
  const modules = [callerUrl, ...(await ray.relativeImports(callerUrl))];
  const unavailable: string[] = [];
  for (const url of modules) {
    const ns = await namespaceOf(url);
    if (!ns) {
      unavailable.push(url);
      continue;
    }
    for (const key of Object.keys(ns)) {
      let v: unknown;
      try {
        v = ns[key];
      } catch {
        continue; // temporal dead zone
      }
      if (v === fn) return Object.freeze({ name, modules: [url], exportName: key, isClass: isClass(fn) });
    }
  }
  // Not found by identity. A module still evaluating (the main module, awaiting fit()) cannot be
  // searched yet: assume the trainable is exported there under its own name (checked in the actor).
  if (!fn.name || unavailable.length === 0) throw new TrainableNotFoundError(name, 'it is not an export of the calling module or of a module it imports');
  return Object.freeze({ name, modules: unavailable, exportName: fn.name, isClass: isClass(fn) });
}

const loaded = new Map<string, Promise<TrainableFunction | TrainableClass>>();

async function load(spec: TrainableSpec): Promise<TrainableFunction | TrainableClass> {
  for (const url of spec.modules) {
    let ns: Record<string, unknown>;
    try {
      ns = await ray.importModule(url);
    } catch (err) {
      if (spec.modules.length === 1) throw new TrainableNotFoundError(spec.name, `importing ${url} in the trial actor failed: ${(err as Error)?.message ?? err}`);
      continue;
    }
    const v = ns[spec.exportName];
    if (typeof v === 'function') return v as TrainableFunction | TrainableClass;
  }
  throw new TrainableNotFoundError(spec.name, `no export named '${spec.exportName}' in ${spec.modules.join(', ')}`);
}

/** Loads a trainable in a trial actor (cached per process). */
export function loadTrainable(spec: TrainableSpec): Promise<TrainableFunction | TrainableClass> {
  const key = `${spec.modules.join('|')}#${spec.exportName}`;
  let p = loaded.get(key);
  if (!p) {
    p = load(spec);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}
