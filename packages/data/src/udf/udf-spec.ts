/**
 * How a user function travels to workers (the driver side). Workers are other
 * processes, so a closure cannot be sent as is. In order:
 *
 * 1. An **exported** function or class is found among the exports of the module that
 *    passed it to the dataset, or of the modules that module imports (relative paths),
 *    by identity; the worker imports that module and takes the export.
 * 2. Otherwise its **source text** (`fn.toString()`) is sent and rebuilt in the worker
 *    with `new Function`. Variables of the scope it was written in do not exist there:
 *    values it needs must come through `fnArgs` / `fnConstructorArgs`.
 */
import * as ray from '@ray-ts/core';
import { UdfShippingError } from '../errors.js';

/** A user function or class as sent to workers. Plain data. */
export type UdfSpec =
  | { readonly kind: 'export'; readonly name: string; readonly isClass: boolean; readonly module: string; readonly exportName: string }
  | { readonly kind: 'source'; readonly name: string; readonly isClass: boolean; readonly source: string };

/** A function or class. */
export type Udf = ((...args: any[]) => unknown) | (abstract new (...args: any[]) => unknown);

/** True when `x` is a class. */
export function isClass(x: unknown): boolean {
  return typeof x === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(x));
}

/** A display name for a function or class. */
export function udfName(fn: Udf): string {
  return fn.name || '<anonymous>';
}

function exportNameOf(ns: Record<string, unknown>, fn: Udf): string | undefined {
  for (const key of Object.keys(ns)) {
    try {
      if (ns[key] === fn) return key;
    } catch {
      /* an export still in its temporal dead zone */
    }
  }
  return undefined;
}

const namespaces = new Map<string, Promise<Record<string, unknown> | undefined>>();
const settled = new Map<string, Record<string, unknown> | undefined>();
const stuck = new Set<string>();

/**
 * The namespace of an already loaded module, or undefined. A module still evaluating
 * (an entry module paused at a top-level await) never finishes importing while we wait
 * for it, so an import that does not settle quickly counts as not available (for now).
 */
async function namespaceOf(url: string): Promise<Record<string, unknown> | undefined> {
  if (settled.has(url)) return settled.get(url);
  if (stuck.has(url)) return undefined;
  let p = namespaces.get(url);
  if (!p) {
    p = ray.importModule(url).then((ns) => ns, () => undefined);
    p.then((ns) => {
      settled.set(url, ns);
      stuck.delete(url);
    });
    namespaces.set(url, p);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), 250);
  });
  try {
    const ns = await Promise.race([p, late]);
    if (!ns && !settled.has(url)) stuck.add(url);
    return ns;
  } finally {
    clearTimeout(timer);
  }
}

async function findExport(fn: Udf, callerUrl: string | undefined): Promise<{ module: string; exportName: string } | undefined> {
  if (!callerUrl) return undefined;
  const candidates = [callerUrl, ...(await ray.relativeImports(callerUrl))];
  for (const url of candidates) {
    const ns = await namespaceOf(url);
    if (!ns) continue;
    const exportName = exportNameOf(ns, fn);
    if (exportName) return { module: url, exportName };
  }
  return undefined;
}

const cache = new WeakMap<Udf, Map<string, UdfSpec>>();

/**
 * Describes a user function or class for shipping to workers. `callerUrl` is the module
 * that passed it (from {@link callerModule}, captured when the transform was called).
 *
 * @throws UdfShippingError for native or bound functions that are not exported.
 */
export async function describeUdf(fn: Udf, callerUrl: string | undefined): Promise<UdfSpec> {
  const key = callerUrl ?? '';
  const hit = cache.get(fn)?.get(key);
  if (hit) return hit;
  const name = udfName(fn);
  const cls = isClass(fn);
  const found = await findExport(fn, callerUrl);
  let spec: UdfSpec;
  if (found) {
    spec = Object.freeze({ kind: 'export', name, isClass: cls, module: found.module, exportName: found.exportName });
  } else {
    const source = Function.prototype.toString.call(fn);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      throw new UdfShippingError(name, 'it is a native or bound function, which has no source text to send');
    }
    spec = Object.freeze({ kind: 'source', name, isClass: cls, source });
  }
  let m = cache.get(fn);
  if (!m) cache.set(fn, (m = new Map()));
  m.set(key, spec);
  return spec;
}
