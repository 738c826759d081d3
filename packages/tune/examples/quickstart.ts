// Run with: node --conditions=development --import tsx packages/tune/examples/quickstart.ts
import * as ray from '@ray-ts/core';
import { Tuner, tune } from '@ray-ts/tune';

/** A toy objective: the loss falls with each iteration, fastest near lr = 0.01 and width 64. */
export async function train(config: { lr: number; width: number }) {
  for (let i = 1; i <= 20; i++) {
    const loss = Math.abs(Math.log10(config.lr) + 2) + Math.abs(config.width - 64) / 64 + 1 / i;
    await tune.report({ loss });
  }
}

if (ray.isMain(import.meta)) {
  await ray.init();
  const tuner = new Tuner(train, {
    paramSpace: { lr: tune.loguniform(1e-4, 1e-1), width: tune.gridSearch([32, 64, 128]) },
    tuneConfig: { metric: 'loss', mode: 'min', numSamples: 4, scheduler: new tune.ASHAScheduler({ maxT: 20, gracePeriod: 2 }) },
    runConfig: { name: 'quickstart', storagePath: process.argv[2] ?? './ray_results' },
  });
  const grid = await tuner.fit();
  const best = grid.getBestResult();
  console.log(`best config ${JSON.stringify(best.config)} loss ${(best.metrics!.loss as number).toFixed(3)}`);
  console.log(`${grid.length} trials, ${grid.numErrors} errors; results in ${grid.experimentPath}`);
  ray.shutdown();
}
