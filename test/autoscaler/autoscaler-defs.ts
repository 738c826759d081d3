// Remote functions used by the autoscaler tests (worker nodes import this module).
import * as ray from '@ray-ts/core';

/** Sleeps `ms`, then returns `x * 2` and the node it ran on. */
export const slowDouble = ray.remote(async (x: number, ms: number) => {
  await new Promise((r) => setTimeout(r, ms));
  return { y: x * 2, node: ray.getRuntimeContext().nodeId };
}, { numCpus: 1 });

/** `n` bytes of a pattern (large enough to stay in the shared memory of the node that made it). */
export const bytes = ray.remote((n: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 251;
  return out;
}, { numCpus: 1 });

/** Needs a GPU, which no node type has. */
export const needsGpu = ray.remote(() => 1, { numGpus: 1 });
