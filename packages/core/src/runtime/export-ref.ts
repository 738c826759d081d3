/**
 * How a library sends a user's function or class to other processes by reference: the
 * value must be an export of an ES module. {@link findExport} looks for it among the
 * exports of the module that called the library and of the modules that one imports by
 * relative path; {@link loadExport} imports that module in another process and takes
 * the export. When a module is still evaluating (a main module awaiting the library's
 * result), its namespace is not available yet and the export is assumed to carry the
 * value's own name (checked when it is loaded).
 */
import { RayError } from '../errors.js';
import { importModule, relativeImports } from './function-registry.js';

/** Plain-data reference to an exported function or class, to send to other processes. */
export interface ExportRef {
  /** Display name (the value's name, or `<anonymous>`). */
  readonly name: string;
  /** Module URLs to look in, in order. */
  readonly modules: readonly string[];
  /** The export's name (found by identity, or assumed to be the value's own name). */
  readonly exportName: string;
}

/** Why a value could not be referenced or loaded as an export (the library wraps it in its own error). */
export class ExportLookupError extends RayError {
  override readonly code = 'EXPORT_LOOKUP';
  constructor(
    /** Name of the function or class. */
    readonly valueName: string,
    /** What went wrong. */
    readonly detail: string,
  ) {
    super(`'${valueName}' ${detail}. Define it at the top level of an ES module and export it.`);
  }
}

/** The namespace of a module, or undefined when it fails or does not settle quickly (still evaluating). */
async function namespaceOf(url: string, settleMs: number): Promise<Record<string, unknown> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), settleMs)));
  try {
    return await Promise.race([importModule(url).then((ns) => ns, () => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Finds `value` among the exports of `callerUrl` and the modules it imports by relative path.
 * @throws ExportLookupError when the caller is unknown, or the value is not found and cannot be assumed by name
 */
export async function findExport(value: Function, callerUrl: string | undefined, options: { settleMs?: number } = {}): Promise<ExportRef> {
  const name = value.name || '<anonymous>';
  if (!callerUrl || !callerUrl.startsWith('file:')) throw new ExportLookupError(name, 'was passed from a module that could not be determined');
  const modules = [callerUrl, ...(await relativeImports(callerUrl))];
  const unavailable: string[] = [];
  for (const url of modules) {
    const ns = await namespaceOf(url, options.settleMs ?? 250);
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
      if (v === value) return Object.freeze({ name, modules: [url], exportName: key });
    }
  }
  if (!value.name || unavailable.length === 0) throw new ExportLookupError(name, 'is not an export of the calling module or of a module it imports');
  return Object.freeze({ name, modules: unavailable, exportName: value.name });
}

const loaded = new Map<string, Promise<unknown>>();

async function load(ref: ExportRef): Promise<unknown> {
  for (const url of ref.modules) {
    let ns: Record<string, unknown>;
    try {
      ns = await importModule(url);
    } catch (err) {
      if (ref.modules.length === 1) throw new ExportLookupError(ref.name, `could not be loaded: importing ${url} failed: ${(err as Error)?.message ?? err}`);
      continue;
    }
    const v = ns[ref.exportName];
    if (v !== undefined) return v;
  }
  throw new ExportLookupError(ref.name, `could not be loaded: no export named '${ref.exportName}' in ${ref.modules.join(', ')}`);
}

/**
 * Imports the export a {@link findExport} reference names (cached per process).
 * @throws ExportLookupError when the module fails to import or lacks the export
 */
export function loadExport<T = unknown>(ref: ExportRef): Promise<T> {
  const key = `${ref.modules.join('|')}#${ref.exportName}`;
  let p = loaded.get(key);
  if (!p) {
    p = load(ref);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p as Promise<T>;
}
