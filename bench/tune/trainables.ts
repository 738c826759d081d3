/**
 * The trainables of the tune bench (exported: trial actors import this module).
 * Tune is imported by path: the bench package does not depend on @ray-ts/tune yet (adding it
 * needs a `pnpm install`), and this is the package's public entry, not an internal module.
 */
import { tune } from '@ray-ts/tune';

/** A trivial trial: `workMs` of busy work, one report with its own time. */
export async function trivial(config: { x: number; workMs: number }): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < config.workMs) {
    /* spin: the trial's own time */
  }
  await tune.report({ loss: config.x, ownMs: performance.now() - t0 });
}

/** The loss of `curve` after `t` iterations: the config's floor plus a decaying term. */
export function curveLoss(config: { lr: number; width: number }, t: number): number {
  const floor = (Math.log10(config.lr) + 2.5) ** 2 + ((config.width - 96) / 64) ** 2;
  return floor + 2 / Math.sqrt(t);
}

/** A learning curve: `iters` iterations of `stepMs` each; reports the loss and the wall clock. */
export async function curve(config: { lr: number; width: number; iters: number; stepMs: number }): Promise<void> {
  for (let t = 1; t <= config.iters; t++) {
    await new Promise((r) => setTimeout(r, config.stepMs));
    await tune.report({ loss: curveLoss(config, t), now: Date.now() });
  }
}
