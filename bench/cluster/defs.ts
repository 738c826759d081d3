/**
 * Remote functions and the actor of the cluster suite. Worker processes on every node
 * import this module to find them, so it holds definitions only: no driver code runs
 * on import.
 */
import * as ray from '@ray-ts/core';
import noop from '../core/noop-task.mjs';

/** The no-op task of the throughput figure (the same function as the core suite's). */
export const noopTask = ray.remote(noop);

/** Which node ran this task (to check where tasks land). */
export const whereAmI = ray.remote(() => ray.getRuntimeContext().nodeId);

/** The array {@link makeBytes} keeps between calls in this worker. */
let kept: Uint8Array | undefined;

/**
 * Returns `n` bytes with every page written (a byte per 4 KiB page, stamped with `seed`,
 * plus the last byte), so that the value is real memory, not untouched zero pages. The
 * worker keeps its array between calls and only re-stamps it: what a call costs is
 * returning the value (its copy into the node's shared memory), not faulting in a fresh
 * allocation, which on this VM is slow and noisy and would drown the figure it is
 * subtracted from.
 */
export const makeBytes = ray.remote((n: number, seed: number) => {
  if (kept?.length !== n) kept = new Uint8Array(n);
  const out = kept;
  for (let i = 0; i < n; i += 4096) out[i] = (i >>> 12) + seed;
  out[n - 1] = seed;
  return out;
});

/** Sampled positions of {@link sampleSum}. */
const SAMPLES = 4096;

/** Sums `SAMPLES` bytes spread over the value (the consumer: it touches the value, it does not compute on it). */
export const sampleSum = ray.remote((b: Uint8Array) => {
  let s = 0;
  const step = Math.max(1, Math.floor(b.length / SAMPLES));
  for (let i = 0; i < b.length; i += step) s = (s + b[i]!) | 0;
  s = (s + b[b.length - 1]!) | 0;
  return { sum: s, n: b.length, node: ray.getRuntimeContext().nodeId };
});

/** The actor of the latency figure: one method that returns at once. */
export class Pinger {
  /** Returns 0. */
  ping(): number {
    return 0;
  }

  /** Where this actor lives. */
  node(): string {
    return ray.getRuntimeContext().nodeId;
  }
}

/** The remote `Pinger` (a plain actor: one call at a time). */
export const RemotePinger = ray.remote(Pinger, { maxConcurrency: 1 });

/**
 * Collects garbage in the worker that runs it, and waits a moment for the finalizers, so
 * that segments this worker mapped for reading are unpinned (and go back to its node's
 * pool) between repetitions instead of during one: the workers' side of `settle()`.
 */
export const collectGarbage = ray.remote(async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  await new Promise((r) => setTimeout(r, 50));
  return ray.getRuntimeContext().nodeId;
});
