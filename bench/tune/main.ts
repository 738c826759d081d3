/**
 * The tune suite (`pnpm bench tune`): Tune's overhead per trial (many trivial trials: wall
 * time against the trials' own time), and time to reach a target loss with ASHA against
 * random search run to the end (FIFO) on the same budget (same configs, seed, concurrency).
 * Options: `--trials <n>` (trivial trials, default 1000), `--samples <n>` (configs of the
 * ASHA/FIFO part, default 32), `--quick` (200 trivial trials, 16 configs), `--json <file>`.
 */
import * as ray from '@ray-ts/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASHAScheduler, FIFOScheduler, generateVariants, Tuner, tune, type TrialScheduler } from '@ray-ts/tune';
import { curve, curveLoss, trivial } from './trainables.js';

interface Options {
  trials: number;
  samples: number;
  json: string | undefined;
}

const USAGE = 'usage: pnpm bench tune [--trials <n>] [--samples <n>] [--quick] [--json <file>]';

function parse(argv: readonly string[]): Options {
  const o: Options = { trials: 1000, samples: 32, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const int = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 2) throw new RangeError(`${a} needs an integer >= 2`);
      return v;
    };
    if (a === '--trials') o.trials = int();
    else if (a === '--samples') o.samples = int();
    else if (a === '--quick') Object.assign(o, { trials: 200, samples: 16 });
    else if (a === '--json') o.json = argv[++i];
    else throw new TypeError(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}

const WORK_MS = 2;
const CONCURRENCY = 2;

/** Part 1: N trivial trials of WORK_MS each, two at a time. */
async function overhead(n: number, storagePath: string): Promise<Record<string, number>> {
  const t0 = performance.now();
  const grid = await new Tuner(trivial, {
    paramSpace: { x: tune.uniform(0, 1), workMs: WORK_MS },
    tuneConfig: { metric: 'loss', mode: 'min', numSamples: n, maxConcurrentTrials: CONCURRENCY, searchAlg: new tune.BasicVariantGenerator({ seed: 1 }) },
    runConfig: { name: 'overhead', storagePath, verbose: 0 },
  }).fit();
  const wallMs = performance.now() - t0;
  if (grid.numErrors) throw new Error(`${grid.numErrors} trivial trials failed: ${grid.errors[0]!.message}`);
  const ownMs = grid.results.reduce((s, r) => s + (r.metrics!.ownMs as number), 0);
  const ideal = ownMs / CONCURRENCY;
  return { trials: n, wallMs, ownMs, msPerTrial: wallMs / n, overheadMsPerTrial: ((wallMs - ideal) * CONCURRENCY) / n, ratio: wallMs / ideal };
}

/** Part 2: one sweep; returns when (ms after start) a result first reached `target`, and the wall time. */
async function sweep(name: string, scheduler: TrialScheduler, samples: number, seed: number, target: number, storagePath: string): Promise<Record<string, number>> {
  const start = Date.now();
  const grid = await new Tuner(curve, {
    paramSpace: { lr: tune.loguniform(1e-4, 1), width: tune.randint(16, 256), iters: ITERS, stepMs: STEP_MS },
    tuneConfig: { metric: 'loss', mode: 'min', numSamples: samples, maxConcurrentTrials: CONCURRENCY, scheduler, searchAlg: new tune.BasicVariantGenerator({ seed }) },
    runConfig: { name, storagePath, verbose: 0 },
  }).fit();
  const wallMs = Date.now() - start;
  let reachedMs = Infinity;
  let iterations = 0;
  for (const r of grid.results) {
    iterations += r.metricsHistory.length;
    for (const m of r.metricsHistory) if ((m.loss as number) <= target) reachedMs = Math.min(reachedMs, (m.now as number) - start);
  }
  return { reachedMs, wallMs, iterations, best: grid.getBestResult('loss', 'min', 'all').metrics!.loss as number };
}

const ITERS = 27;
const STEP_MS = 10;
const SEEDS = [7, 8, 9];

/** Runs the suite; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parse(argv);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const storagePath = mkdtempSync(join(tmpdir(), 'bench-tune-'));
  await ray.init({ numCpus: CONCURRENCY });
  try {
    process.stderr.write(`overhead: ${opts.trials} trivial trials (${WORK_MS} ms of work each), ${CONCURRENCY} at a time ...\n`);
    const o = await overhead(opts.trials, storagePath);
    console.log(`overhead_per_trial      ${o.msPerTrial!.toFixed(2)} ms/trial wall (${(o.wallMs! / 1000).toFixed(1)} s for ${o.trials} trials); trials' own time ${(o.ownMs! / 1000).toFixed(2)} s`);
    console.log(`                        ideal (own time / ${CONCURRENCY}) ${(o.ownMs! / CONCURRENCY / 1000).toFixed(2)} s; ratio wall/ideal ${o.ratio!.toFixed(1)}x; Tune's own cost ${o.overheadMsPerTrial!.toFixed(2)} ms per trial-slot`);
    // Per seed, the target is the 3rd-best loss any of its configs reaches at maxT: only good configs trained long enough reach it.
    const rows: { seed: number; target: number; fifo: Record<string, number>; asha: Record<string, number> }[] = [];
    for (const seed of SEEDS) {
      const finals = generateVariants({ lr: tune.loguniform(1e-4, 1), width: tune.randint(16, 256) }, opts.samples, seed)
        .map((c) => curveLoss(c as { lr: number; width: number }, ITERS))
        .sort((a, b) => a - b);
      const target = finals[Math.min(2, finals.length - 1)]!;
      process.stderr.write(`time to target, seed ${seed}: ${opts.samples} configs × up to ${ITERS} iterations of ${STEP_MS} ms, target loss ${target.toFixed(3)} ...\n`);
      const fifo = await sweep(`fifo-${seed}`, new FIFOScheduler(), opts.samples, seed, target, storagePath);
      const asha = await sweep(`asha-${seed}`, new ASHAScheduler({ maxT: ITERS, gracePeriod: 1, reductionFactor: 3 }), opts.samples, seed, target, storagePath);
      rows.push({ seed, target, fifo, asha });
      for (const [n, r] of [['random (FIFO)', fifo], ['ASHA', asha]] as const) {
        console.log(`time_to_target seed ${seed} ${n.padEnd(14)} ${(r.reachedMs! / 1000).toFixed(2)} s (whole sweep ${(r.wallMs! / 1000).toFixed(2)} s, ${r.iterations} iterations, best loss ${r.best!.toFixed(3)})`);
      }
    }
    const geo = (f: (r: (typeof rows)[number]) => number) => Math.exp(rows.reduce((s, r) => s + Math.log(f(r)), 0) / rows.length);
    const toTarget = geo((r) => r.fifo.reachedMs! / r.asha.reachedMs!);
    const whole = geo((r) => r.fifo.wallMs! / r.asha.wallMs!);
    console.log(`ratio FIFO/ASHA (geometric mean over ${rows.length} seeds): time to target ${toTarget.toFixed(2)}x, whole sweep ${whole.toFixed(2)}x`);
    if (opts.json) writeFileSync(opts.json, JSON.stringify({ overhead: o, timeToTarget: { seeds: rows, ratioToTarget: toTarget, ratioWholeSweep: whole } }, null, 1));
    return 0;
  } finally {
    ray.shutdown();
    rmSync(storagePath, { recursive: true, force: true });
  }
}
