/**
 * Trains a TensorFlow.js MLP on 2 workers with ray-ts Train: each worker reads its shard
 * of a Data dataset, gradients are averaged with allreduce every step, rank 0 saves a
 * checkpoint (model + Adam state) each epoch, and the best one is reloaded at the end.
 *
 *   node --conditions=development --import tsx examples/distributed-training/main.ts [--workers 2] [--epochs 4] [--rows 4096]
 */
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { JsonLoggerCallback, TfjsTrainer, useBackend } from '@ray-ts/train';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { accuracy, mlpLoop, rowsOf } from './mlp.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    epochs: { type: 'string', default: '4' },
    rows: { type: 'string', default: '4096' },
    storage: { type: 'string' },
  },
});
const workers = Number(values.workers);
const epochs = Number(values.epochs);
const rows = Number(values.rows);
const storagePath = values.storage ?? mkdtempSync(join(tmpdir(), 'distributed-training-'));

// Workers hold one CPU each; the data pipeline needs CPUs of its own besides.
await ray.init({ numCpus: workers + 2 });
const globalBatch = 64;
console.log(`training: ${workers} workers, ${rows.toLocaleString('en-US')} examples, global batch ${globalBatch}, ${epochs} epochs`);
const trainer = new TfjsTrainer(mlpLoop, {
  trainLoopConfig: { epochs, batchSize: globalBatch / workers, lr: 0.01, seed: 7, checkpoint: true },
  scalingConfig: { numWorkers: workers },
  datasets: { train: data.fromItems(rowsOf(0, rows), { overrideNumBlocks: 8 }) },
  runConfig: {
    name: 'mlp',
    storagePath,
    failureConfig: { maxFailures: 2 },
    checkpointConfig: { numToKeep: 2, checkpointScoreAttribute: 'accuracy', checkpointScoreOrder: 'max' },
    callbacks: [new JsonLoggerCallback()],
  },
});
const result = await trainer.fit();
for (const m of result.metricsHistory) {
  const sums = m.weightSums as number[];
  const same = sums.every((s) => s === sums[0]) ? 'yes' : 'NO';
  console.log(`epoch ${m.epoch}: loss ${(m.loss as number).toFixed(4)} accuracy ${(m.accuracy as number).toFixed(3)} (${m.steps} steps; workers hold identical weights: ${same})`);
}
const [best, bestMetrics] = [result.bestCheckpoints[0]!.checkpoint, result.bestCheckpoints[0]!.metrics];
console.log(`result: accuracy ${(result.metrics!.accuracy as number).toFixed(3)} after ${epochs} epochs, run directory ${result.path}`);
await useBackend('auto'); // the workers' backend (wasm here), so scores match to the bit
const model = await best.loadModel();
const reloaded = accuracy(model, 100_000, 101_000);
console.log(`best checkpoint ${best.path.slice(result.path.length + 1)} (epoch ${bestMetrics.epoch}) reloaded: accuracy ${reloaded.toFixed(3)} (as reported: ${reloaded === bestMetrics.accuracy ? 'yes' : 'NO'})`);
ray.shutdown();
