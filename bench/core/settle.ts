/**
 * Quiets the driver between benchmarks. Ray sleeps 10 s before each benchmark; we also
 * collect garbage, because JavaScript frees object refs only when they are collected:
 * without this, the refs one benchmark dropped would be finalized (and their objects
 * freed) during the next one, and charged to it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The standard way to reach V8's gc() without the --expose-gc flag: a new context gets it.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Collects garbage, lets the finalizers run and the workers drain, for about `ms` ms. */
export async function settle(ms: number): Promise<void> {
  gc();
  await sleep(ms / 2);
  gc();
  await sleep(ms / 2);
}
