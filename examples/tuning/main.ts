/**
 * An ASHA sweep over a Train trainer: each trial trains a TensorFlow.js MLP on 2 workers
 * with its own learning rate; ASHA stops the trials that fall behind at each rung; the best
 * config, its accuracy, how many trials were stopped early and Tune's progress table are printed.
 *
 *   node --conditions=development --import tsx examples/tuning/main.ts [--samples 8] [--max-t 8] [--grace 1] [--reduction-factor 2] [--rows 2048]
 */
import * as ray from '@ray-ts/core';
import { TfjsTrainer } from '@ray-ts/train';
import { Tuner, tune } from '@ray-ts/tune';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sweepLoop } from './model.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '8' },
    'max-t': { type: 'string', default: '8' },
    grace: { type: 'string', default: '1' },
    'reduction-factor': { type: 'string', default: '2' },
    rows: { type: 'string', default: '2048' },
    seed: { type: 'string', default: '1' },
    storage: { type: 'string' },
  },
});
const samples = Number(values.samples);
const maxT = Number(values['max-t']);
const gracePeriod = Number(values.grace);
const reductionFactor = Number(values['reduction-factor']);
const rows = Number(values.rows);
const storagePath = values.storage ?? mkdtempSync(join(tmpdir(), 'tuning-'));
const LR = { lo: 1e-4, hi: 1e-1 };

// Each trial's 2 workers hold one (logical) CPU each: 4 CPUs run 2 trials at a time.
await ray.init({ numCpus: 4 });
console.log(`sweep: ${samples} trials, lr ~ loguniform(${LR.lo}, ${LR.hi}), 2 workers per trial, ASHA over epochs (grace ${gracePeriod}, max ${maxT}, reduction factor ${reductionFactor})`);

// No `datasets`: the loop generates its data. (With datasets a trial would count its
// workers' CPUs + 1 for the data pipeline, 3 here: one trial at a time on 4 CPUs; see README.)
// A TfjsTrainer: every worker sets up TensorFlow.js with the pure-JS cpu backend before
// the loop (the model is tiny, and it starts at once: no wasm to load).
const trainer = new TfjsTrainer(sweepLoop, {
  tfjsConfig: { backend: 'cpu' },
  scalingConfig: { numWorkers: 2 },
  trainLoopConfig: { lr: 0.01, epochs: maxT, rows, batchSize: 32 },
});
try {
  const grid = await new Tuner(trainer, {
    paramSpace: { trainLoopConfig: { lr: tune.loguniform(LR.lo, LR.hi) } },
    tuneConfig: {
      metric: 'accuracy',
      mode: 'max',
      numSamples: samples,
      searchAlg: new tune.BasicVariantGenerator({ seed: Number(values.seed) }),
      scheduler: new tune.ASHAScheduler({ timeAttr: 'epoch', maxT, gracePeriod, reductionFactor }),
    },
    // verbose 2: the progress table even when stdout is not a TTY (a pipe, a CI log); on a
    // TTY it is redrawn in place every second, elsewhere printed every 10 s and at the end.
    runConfig: { name: 'asha-sweep', storagePath, verbose: 2, progressIntervalS: process.stdout.isTTY ? 1 : 10 },
  }).fit();

  let stoppedEarly = 0;
  for (const r of grid.results) {
    const lr = (r.config.trainLoopConfig as { lr: number }).lr;
    const epochs = r.metricsHistory.length ? Number(r.metricsHistory.at(-1)!.epoch) : 0;
    const early = r.status === 'TERMINATED' && epochs < maxT;
    if (early) stoppedEarly++;
    const how = r.error ? `error: ${r.error.message}` : early ? 'stopped early by ASHA' : 'ran to max epochs';
    console.log(`trial ${r.trialId}: lr ${lr.toExponential(2)}, ${epochs} epoch${epochs === 1 ? '' : 's'}, accuracy ${Number(r.metrics?.accuracy ?? NaN).toFixed(3)} (${how})`);
  }
  const best = grid.getBestResult();
  const bestLr = (best.config.trainLoopConfig as { lr: number }).lr;
  console.log(`best config: ${JSON.stringify(best.config)} (lr ${bestLr.toExponential(2)})`);
  console.log(`best accuracy: ${(best.metrics!.accuracy as number).toFixed(3)} after ${best.metrics!.epoch} epochs`);
  console.log(`stopped early: ${stoppedEarly} of ${grid.length} trials (errors: ${grid.numErrors})`);
} finally {
  ray.shutdown();
  if (!values.storage) rmSync(storagePath, { recursive: true, force: true });
}
