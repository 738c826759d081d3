/**
 * The module that called into the data package, found with core's `callerModule` (the
 * first stack frame outside core and outside `packages/data/src`). Used to find a user
 * function among the exports of the module that passed it.
 */
import { callerModule as coreCallerModule } from '@ray-ts/core';
import { fileURLToPath } from 'node:url';

const dataSrcDir = fileURLToPath(new URL('..', import.meta.url));

/** URL of the first module on the stack outside the data package, or undefined (REPL, eval). */
export function callerModule(): string | undefined {
  const url = coreCallerModule([dataSrcDir]);
  return url === 'unknown:' || url.includes('/node_modules/') ? undefined : url;
}
