/**
 * The module that called into the data package: read from the call stack (the first
 * frame outside `packages/data/src`), the way core's `remote()` finds its caller. Used
 * to find a user function among the exports of the module that passed it.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

const dataSrcDir = fileURLToPath(new URL('..', import.meta.url));

/** URL of the first module on the stack outside the data package, or undefined (REPL, eval). */
export function callerModule(): string | undefined {
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
    const file = f.getFileName() ?? '';
    if (!file || file.startsWith('node:') || file.startsWith('evalmachine')) continue;
    let path: string;
    try {
      path = file.startsWith('file:') ? fileURLToPath(file) : file;
    } catch {
      continue;
    }
    if (path.startsWith(dataSrcDir) || path.includes('/node_modules/')) continue;
    if (!path.startsWith('/')) return undefined;
    return file.startsWith('file:') ? file : pathToFileURL(file).href;
  }
  return undefined;
}
