/**
 * Rebuilds user functions in workers from their {@link UdfSpec}: imports the module of
 * an exported one, or evaluates the source text of another in the global scope. Calls
 * of source-shipped functions that hit a free variable raise {@link UdfFreeVariableError}.
 */
import * as ray from '@ray-ts/core';
import { UdfFreeVariableError, UdfShippingError } from '../errors.js';
import type { UdfSpec } from './udf-spec.js';

/** A user function or class as rebuilt in the worker. */
export type LoadedUdf = (...args: unknown[]) => unknown;

const loaded = new Map<string, Promise<LoadedUdf>>();

/** esbuild/tsx helper that compiled code calls to keep function names (`__name(fn, 'f')`). */
function keepName<T extends object>(target: T, value: string): T {
  try {
    Object.defineProperty(target, 'name', { value, configurable: true });
  } catch {
    /* non-configurable name */
  }
  return target;
}

/** Evaluates a function's source text; handles arrows, functions, classes and method shorthand. */
function evaluate(spec: Extract<UdfSpec, { kind: 'source' }>): LoadedUdf {
  const src = spec.source.trim();
  const attempts = [`return (${src});`, `return ({ ${src} })[${JSON.stringify(spec.name)}];`, `return ({ ${src} });`];
  let lastErr: unknown;
  for (const body of attempts) {
    try {
      const out = new Function('__name', body)(keepName) as unknown;
      if (typeof out === 'function') return out as LoadedUdf;
      if (out && typeof out === 'object') {
        const fns = Object.values(out).filter((v) => typeof v === 'function');
        if (fns.length === 1) return fns[0] as LoadedUdf;
      }
    } catch (err) {
      lastErr = err;
    }
  }
  throw new UdfShippingError(spec.name, `its source text could not be rebuilt (${(lastErr as Error)?.message ?? 'not a function'})`, { cause: lastErr });
}

async function load(spec: UdfSpec): Promise<LoadedUdf> {
  if (spec.kind === 'export') {
    let ns: Record<string, unknown>;
    try {
      ns = await ray.importModule(spec.module);
    } catch (err) {
      throw new UdfShippingError(spec.name, `importing ${spec.module} in the worker failed: ${(err as Error)?.message ?? err}`, { cause: err });
    }
    const fn = ns[spec.exportName];
    if (typeof fn !== 'function') throw new UdfShippingError(spec.name, `${spec.module} has no exported function '${spec.exportName}' in the worker`);
    return fn as LoadedUdf;
  }
  return evaluate(spec);
}

/** The function or class of a spec (cached per process). */
export function loadUdf(spec: UdfSpec): Promise<LoadedUdf> {
  const key = spec.kind === 'export' ? `e:${spec.module}#${spec.exportName}` : `s:${spec.source}`;
  let p = loaded.get(key);
  if (!p) {
    p = load(spec);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

/**
 * Turns a ReferenceError for a free variable raised by a source-shipped function into
 * {@link UdfFreeVariableError}; returns other errors unchanged.
 */
export function explainUdfError(spec: UdfSpec, err: unknown): unknown {
  if (spec.kind !== 'source' || !(err instanceof ReferenceError)) return err;
  const m = /^(\S+) is not defined$/.exec(err.message);
  if (!m) return err;
  return new UdfFreeVariableError(spec.name, m[1]!, { cause: err });
}
