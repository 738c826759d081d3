/**
 * `pnpm bench train`: training throughput of the TensorFlow.js MLP of examples/distributed-training
 * (gradients allreduced every step) with 1 and 2 workers, measured in the same run, and
 * the scaling efficiency (samples/s with 2 workers / (2 x samples/s with 1 worker)).
 *
 *   pnpm bench train [--rows 16384] [--hidden 1024] [--batch 1024] [--epochs 3] [--json out.json]
 *
 * Figure: samples/s = examples of an epoch (all workers) / that epoch's wall time in rank 0
 * (reading the shard, forward, backward, allreduce, apply), median over the epochs after
 * the first (warm-up). The global batch is the same for both runs (each of 2 workers takes
 * half), so both do the same arithmetic per epoch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { TfjsTrainer } from '@ray-ts/train';
import { mlpLoop, rowsOf } from '../../examples/distributed-training/mlp.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function samplesPerSecond(workers: number, o: { rows: number; hidden: number; batch: number; epochs: number; storagePath: string }): Promise<{ samplesPerS: number; accuracy: number }> {
  const result = await new TfjsTrainer(mlpLoop, {
    trainLoopConfig: { epochs: o.epochs, batchSize: o.batch / workers, lr: 0.005, seed: 11, hidden: o.hidden },
    scalingConfig: { numWorkers: workers },
    datasets: { train: data.fromItems(rowsOf(0, o.rows), { overrideNumBlocks: 16 }) },
    runConfig: { name: `scaling-${workers}`, storagePath: o.storagePath },
  }).fit();
  const warm = result.metricsHistory.slice(1);
  return {
    samplesPerS: median(warm.map((m) => (m.examples as number) / (m.seconds as number))),
    accuracy: result.metrics!.accuracy as number,
  };
}

/** Runs the suite with the arguments after its name. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '16384' },
      hidden: { type: 'string', default: '1024' },
      batch: { type: 'string', default: '1024' },
      epochs: { type: 'string', default: '3' },
      json: { type: 'string' },
    },
  });
  const o = { rows: Number(values.rows), hidden: Number(values.hidden), batch: Number(values.batch), epochs: Number(values.epochs) };
  if (!(o.epochs >= 2) || o.batch % 2 !== 0) {
    console.error('--epochs must be >= 2 (the first is warm-up) and --batch even');
    return 2;
  }
  const storagePath = mkdtempSync(join(tmpdir(), 'bench-train-'));
  console.log(`machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0]!.toFixed(2)}`);
  console.log(`MLP 8-${o.hidden}-1, ${o.rows} examples, global batch ${o.batch}, ${o.epochs} epochs (first is warm-up); tfjs backend auto`);
  // Each worker holds 1 CPU; 2 more logical CPUs for the data pipeline's tasks.
  await ray.init({ numCpus: 4 });
  try {
    const one = await samplesPerSecond(1, { ...o, storagePath });
    const two = await samplesPerSecond(2, { ...o, storagePath });
    const speedup = two.samplesPerS / one.samplesPerS;
    console.log(`1 worker : ${Math.round(one.samplesPerS).toLocaleString('en-US')} samples/s (accuracy ${one.accuracy.toFixed(3)})`);
    console.log(`2 workers: ${Math.round(two.samplesPerS).toLocaleString('en-US')} samples/s (accuracy ${two.accuracy.toFixed(3)})`);
    console.log(`speedup 2 vs 1 worker: ${speedup.toFixed(2)}x; scaling efficiency ${(100 * speedup / 2).toFixed(0)}%`);
    if (values.json) writeFileSync(values.json, JSON.stringify({ ...o, oneWorker: one, twoWorkers: two, speedup }, null, 2));
    return 0;
  } finally {
    ray.shutdown();
    rmSync(storagePath, { recursive: true, force: true });
  }
}
