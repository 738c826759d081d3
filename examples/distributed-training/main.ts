/**
 * Trains a TensorFlow.js MLP on 2 workers with ray-ts Train: each worker reads its shard
 * of a Data dataset, gradients are averaged with allreduce every step, rank 0 saves a
 * checkpoint (model + Adam state) each epoch, and the best one is reloaded at the end.
 * Then the restore story: the latest checkpoint is loaded and predicts as the model did
 * before saving, and a second `fit()` with `resumeFromCheckpoint` continues the training
 * from it (the loop starts from `getCheckpoint()`, at the epoch after the checkpoint's).
 *
 *   node --conditions=development --import tsx examples/distributed-training/main.ts [--workers 2] [--epochs 4] [--more-epochs 2] [--rows 4096]
 */
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { JsonLoggerCallback, TfjsTrainer, useBackend, type DataParallelTrainerOptions, type Result } from '@ray-ts/train';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { accuracy, mlpLoop, predict, PROBE_FROM, PROBE_TO, rowsOf, type MlpConfig } from './mlp.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '4' },
    'more-epochs': { type: 'string', default: '2' },
    rows: { type: 'string', default: '4096' },
    storage: { type: 'string' },
  },
});
const workers = Number(values.workers);
const epochs = Number(values.epochs);
const moreEpochs = Number(values['more-epochs']);
const rows = Number(values.rows);
const storagePath = values.storage ?? mkdtempSync(join(tmpdir(), 'distributed-training-'));

// Workers hold one CPU each; the data pipeline needs CPUs of its own besides.
await ray.init({ numCpus: workers + 2 });
const globalBatch = 64;
const loopConfig: MlpConfig = { epochs, batchSize: globalBatch / workers, lr: 0.01, seed: 7, checkpoint: true };
/** Options of both runs; the run name and the resume point differ. */
const options = (name: string): DataParallelTrainerOptions<MlpConfig> => ({
  trainLoopConfig: loopConfig,
  scalingConfig: { numWorkers: workers },
  datasets: { train: data.fromItems(rowsOf(0, rows), { overrideNumBlocks: 8 }) },
  runConfig: {
    name,
    storagePath,
    failureConfig: { maxFailures: 2 },
    checkpointConfig: { numToKeep: 2, checkpointScoreAttribute: 'accuracy', checkpointScoreOrder: 'max' },
    callbacks: [new JsonLoggerCallback()],
  },
});
const printEpochs = (result: Result): void => {
  for (const m of result.metricsHistory) {
    const sums = m.weightSums as number[];
    const same = sums.every((s) => s === sums[0]) ? 'yes' : 'NO';
    console.log(`epoch ${m.epoch}: loss ${(m.loss as number).toFixed(4)} accuracy ${(m.accuracy as number).toFixed(3)} (${m.steps} steps; workers hold identical weights: ${same})`);
  }
};
const nameOf = (path: string, run: Result): string => path.slice(run.path.length + 1);

console.log(`training: ${workers} workers, ${rows.toLocaleString('en-US')} examples, global batch ${globalBatch}, ${epochs} epochs`);
const result = await new TfjsTrainer(mlpLoop, options('mlp')).fit();
printEpochs(result);
const [best, bestMetrics] = [result.bestCheckpoints[0]!.checkpoint, result.bestCheckpoints[0]!.metrics];
console.log(`result: accuracy ${(result.metrics!.accuracy as number).toFixed(3)} after ${epochs} epochs, run directory ${result.path}`);
await useBackend('auto'); // the workers' backend (wasm here), so scores match to the bit
const model = await best.loadModel();
const reloaded = accuracy(model, 100_000, 101_000);
console.log(`best checkpoint ${nameOf(best.path, result)} (epoch ${bestMetrics.epoch}) reloaded: accuracy ${reloaded.toFixed(3)} (as reported: ${reloaded === bestMetrics.accuracy ? 'yes' : 'NO'})`);

// Restore: the run's latest checkpoint (Ray's `result.checkpoint`) predicts what the model predicted when it was saved.
const latest = result.checkpoint!;
const saved = result.metricsHistory.at(-1)!;
const restored = await latest.loadModel();
const [probe, savedProbe] = [predict(restored, PROBE_FROM, PROBE_TO), saved.probe as number[]];
const sameProbe = probe.every((p, i) => p === savedProbe[i]);
const restoredAccuracy = accuracy(restored, 100_000, 101_000);
console.log(`restored ${nameOf(latest.path, result)} (epoch ${saved.epoch}): predictions on ${probe.length} held-out examples ${probe.map((p) => p.toFixed(6)).join(' ')}, ` +
  `as before saving: ${sameProbe ? 'yes' : 'NO'}; accuracy ${restoredAccuracy.toFixed(3)} (before saving ${(saved.accuracy as number).toFixed(3)})`);

// Resume: a new run that starts from that checkpoint (Ray's `resume_from_checkpoint`) and trains `moreEpochs` more epochs.
const total = epochs + moreEpochs;
console.log(`resuming: a new run 'mlp-resumed' from ${nameOf(latest.path, result)}, up to ${total} epochs`);
const resumedRun = await new TfjsTrainer(mlpLoop, {
  ...options('mlp-resumed'),
  trainLoopConfig: { ...loopConfig, epochs: total },
  resumeFromCheckpoint: latest,
}).fit();
const first = resumedRun.metricsHistory[0];
if (first?.startEpoch === undefined) {
  console.log('resumed: NO (the loop did not start from the checkpoint)');
} else {
  const sameAccuracy = first.restoredAccuracy === saved.accuracy ? 'yes' : 'NO';
  console.log(`resumed from ${nameOf(latest.path, result)} at epoch ${first.startEpoch} (restored in the workers: accuracy ${(first.restoredAccuracy as number).toFixed(3)}, as saved: ${sameAccuracy})`);
}
printEpochs(resumedRun);
const after = resumedRun.metrics?.accuracy as number;
console.log(`resumed result: accuracy ${after.toFixed(3)} after ${total} epochs (${(saved.accuracy as number).toFixed(3)} at the checkpoint: ` +
  `${after >= (saved.accuracy as number) ? 'kept or improved' : 'WORSE'}), run directory ${resumedRun.path}`);
ray.shutdown();
