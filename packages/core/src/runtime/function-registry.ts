/**
 * Where remote functions and classes are found. `remote()` records the module that
 * called it (from the call stack) and the definition's place in that module; a worker
 * that is asked to run it imports that module, whose top-level `remote()` calls then
 * register the same definitions under the same keys. No separate worker file needed.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FunctionNotFoundError } from '../errors.js';
import type { FunctionKey } from '../transport/protocol.js';

const definitions = new Map<string, unknown>();
const ordinals = new Map<string, number>();
const imports = new Map<string, Promise<unknown>>();
let importing = 0;

/** True while a worker imports a module to find definitions (driver code must not run then). */
export function isImportingDefinitions(): boolean {
  return importing > 0;
}

const coreDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * URL of the module that called into ray-ts: the first stack frame outside core and
 * outside `skipDirs` (libraries pass their own source directory), or 'unknown:' when the
 * caller is not a module file (REPL, eval). This is how definitions are found again in
 * workers: a worker imports that module.
 */
export function callerModule(skipDirs: string[] = []): string {
  const orig = Error.prepareStackTrace;
  let frames: NodeJS.CallSite[] = [];
  try {
    Error.prepareStackTrace = (_e, cs) => cs;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder);
    frames = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = orig;
  }
  for (const f of frames) {
    let file = f.getFileName() ?? '';
    if (!file || file.startsWith('node:')) continue;
    if (file.startsWith('evalmachine')) continue;
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (path.startsWith(coreDir) || skipDirs.some((d) => path.startsWith(d))) continue;
    if (!path.startsWith('/')) return 'unknown:';
    file = file.startsWith('file:') ? file : pathToFileURL(file).href;
    return file;
  }
  return 'unknown:';
}

/**
 * In a worker that runs from a working directory (runtimeEnv.workingDir), module URLs
 * under the driver's directory map to the unpacked copy on this node, and back: keys
 * always name the driver's URL, so every node finds the same definition in its own copy.
 */
const wdLocal = process.env.RAY_TS_WORKING_DIR ? pathToFileURL(process.env.RAY_TS_WORKING_DIR).href.replace(/\/?$/, '/') : undefined;
const wdRoot = process.env.RAY_TS_WORKING_DIR_ROOT ? process.env.RAY_TS_WORKING_DIR_ROOT.replace(/\/?$/, '/') : undefined;

/** A module URL as named on the driver's machine, mapped to where that module is on this node. */
export function toLocal(module: string): string {
  return wdLocal && wdRoot && module.startsWith(wdRoot) ? wdLocal + module.slice(wdRoot.length) : module;
}

/** A module URL on this node, mapped to the name every node knows it by (the driver's). */
export function toShared(module: string): string {
  return wdLocal && wdRoot && module.startsWith(wdLocal) ? wdRoot + module.slice(wdLocal.length) : module;
}

/** Registers a definition made at the caller's module; returns its key. */
export function registerDefinition(target: unknown, name: string, module = callerModule()): FunctionKey {
  const n = ordinals.get(module) ?? 0;
  ordinals.set(module, n + 1);
  const key = `${n}:${name}`;
  definitions.set(`${module}#${key}`, target);
  return { module: toShared(module), key, name };
}

/** Finds a definition, importing its module first if needed. */
export async function resolveDefinition<T>(shared: FunctionKey): Promise<T> {
  const fk = { ...shared, module: toLocal(shared.module) };
  const id = `${fk.module}#${fk.key}`;
  let found = definitions.get(id);
  if (found !== undefined) return found as T;
  if (fk.module === 'unknown:') throw new FunctionNotFoundError(fk.name, fk.module, 'the defining module could not be determined');
  let p = imports.get(fk.module);
  if (!p) {
    importing++;
    p = import(fk.module).finally(() => importing--);
    imports.set(fk.module, p);
  }
  try {
    await p;
  } catch (err) {
    throw new FunctionNotFoundError(fk.name, fk.module, `importing it failed: ${(err as Error)?.message ?? err}`);
  }
  found = definitions.get(id);
  if (found === undefined) {
    const sameName = [...definitions.keys()].filter((k) => k.startsWith(`${fk.module}#`)).map((k) => k.split('#')[1]);
    throw new FunctionNotFoundError(fk.name, fk.module, sameName.length ? `the module defines ${sameName.join(', ')} here` : 'the module defined no remote functions when imported');
  }
  return found as T;
}

/**
 * For libraries that ship user code by module (like `remote()` does): the URL of the
 * module that called into the library — the first stack frame outside core and outside
 * `skipDirs` — as every node knows it (in a worker running from a shipped working
 * directory, the driver's URL). Load it on any node with {@link importModule}.
 */
export function sharedCallerModule(skipDirs: string[] = []): string {
  return toShared(callerModule(skipDirs));
}

/** Imports a module named by {@link sharedCallerModule} on this node (from the shipped working directory when there is one). */
export function importModule(url: string): Promise<Record<string, unknown>> {
  return import(toLocal(url)) as Promise<Record<string, unknown>>;
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s*(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]/g;

/**
 * URLs of the modules a module imports by relative path (static `import ... from './x.js'`),
 * read from its source: where libraries look for a user's exported function besides the
 * calling module itself. Empty for non-file modules or unreadable sources.
 */
export async function relativeImports(moduleUrl: string): Promise<string[]> {
  if (!moduleUrl.startsWith('file:')) return [];
  let src: string;
  try {
    src = await readFile(fileURLToPath(moduleUrl), 'utf8');
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const m of src.matchAll(IMPORT_RE)) {
    const spec = m[1]!;
    if (spec.startsWith('./') || spec.startsWith('../')) out.add(new URL(spec, moduleUrl).href);
  }
  return [...out];
}
