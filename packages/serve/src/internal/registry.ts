/**
 * Where deployment classes are found in a replica's worker. `serve.deployment(Class)` is
 * called at the top level of a user module; it records the module's URL and an ordinal,
 * and a replica imports that module (which calls `serve.deployment` again) to find the
 * class under the same key. This mirrors core's function registry, which Serve cannot use
 * directly: core names the first module outside core, which here would be Serve itself.
 */
import * as ray from '@ray-ts/core';
import { callerModule } from '@ray-ts/core';
import { fileURLToPath } from 'node:url';
import { DeploymentDefinitionError } from '../errors.js';

const serveSrcDir = fileURLToPath(new URL('..', import.meta.url));
const definitions = new Map<string, abstract new (...args: any[]) => any>();
const ordinals = new Map<string, number>();

/** Where a deployment class is defined. */
export interface DefinitionKey {
  /** URL of the defining module. */
  module: string;
  /** `<ordinal>:<class name>` within that module. */
  key: string;
}

/** Records a class defined by the calling module. */
export function registerDeploymentClass(cls: abstract new (...args: any[]) => any): DefinitionKey {
  const module = callerModule([serveSrcDir]);
  const n = ordinals.get(module) ?? 0;
  ordinals.set(module, n + 1);
  const key = `${n}:${cls.name}`;
  definitions.set(`${module}#${key}`, cls);
  return { module, key };
}

/** Finds a class, importing its module first when needed. */
export async function resolveDeploymentClass(def: DefinitionKey): Promise<new (...args: any[]) => any> {
  const id = `${def.module}#${def.key}`;
  if (!definitions.has(id)) {
    if (def.module === 'unknown:') throw new DeploymentDefinitionError(`The module defining ${def.key} could not be determined. Call serve.deployment() at the top level of an ES module.`);
    try {
      await ray.importModule(def.module);
    } catch (err) {
      throw new DeploymentDefinitionError(`Importing ${def.module} to find deployment ${def.key} failed: ${(err as Error)?.message ?? err}`, { cause: err });
    }
  }
  const cls = definitions.get(id);
  if (!cls) throw new DeploymentDefinitionError(`${def.module} did not define deployment ${def.key} when imported. Call serve.deployment() at the top level of the module, not inside a function or an if.`);
  return cls as new (...args: any[]) => any;
}

/** Method names of a class, walking its prototype chain. */
export function methodNamesOf(cls: abstract new (...args: any[]) => any): string[] {
  const names = new Set<string>();
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, k)?.value === 'function') names.add(k);
    }
  }
  return [...names];
}
