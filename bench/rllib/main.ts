/**
 * `pnpm bench rllib`: (1) env steps/s sampled by PPO's env runners on CartPole-v1 with 1
 * vs 2 runners (and the ratio); (2) wall time and env steps for PPO to reach a mean
 * return of 450 on CartPole-v1, beside RLlib's published figures (reference.json).
 * Options: --quick, --seed <n>, --json <file>.
 */
import * as ray from '@ray-ts/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { ppoCartPole } from './configs.js';

interface Args { quick: boolean; seed: number; json?: string }

function parse(argv: readonly string[]): Args {
  const a: Args = { quick: false, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--quick') a.quick = true;
    else if (k === '--seed') a.seed = Number(argv[++i]);
    else if (k === '--json') a.json = argv[++i];
    else throw new RangeError(`unknown option ${k} (options: --quick, --seed <n>, --json <file>)`);
  }
  if (!Number.isInteger(a.seed) || a.seed < 0) throw new RangeError('--seed must be a non-negative integer');
  return a;
}

/** Env steps/s of `runners` runner actors (no learning: sample rounds only, after a warm-up round). */
async function samplingRate(runners: number, rounds: number): Promise<number> {
  const algo = ppoCartPole(0, runners).envRunners({ rolloutFragmentLength: 500 }).build();
  try {
    await algo.ready();
    const group = algo.envRunnerGroup!;
    await group.sample({ explore: true });
    const t0 = performance.now();
    let steps = 0;
    for (let i = 0; i < rounds; i++) steps += (await group.sample({ explore: true })).reduce((s, r) => s + r.envSteps, 0);
    return steps / ((performance.now() - t0) / 1000);
  } finally {
    await algo.stop();
  }
}

/** Iterations, env steps and seconds for PPO (2 runners) to reach `target`. */
async function timeToReturn(seed: number, target: number, maxIterations: number) {
  const algo = ppoCartPole(seed, 2).build();
  const t0 = performance.now();
  try {
    for (let i = 0; i < maxIterations; i++) {
      const r = await algo.train();
      if (r.envRunners.episodeReturnMean >= target) {
        return { reached: true, iterations: r.trainingIteration, envSteps: r.numEnvStepsSampledLifetime, seconds: (performance.now() - t0) / 1000, episodeReturnMean: r.envRunners.episodeReturnMean };
      }
    }
    return { reached: false, iterations: maxIterations, envSteps: algo.numEnvStepsSampledLifetime, seconds: (performance.now() - t0) / 1000, episodeReturnMean: NaN };
  } finally {
    await algo.stop();
  }
}

/** Runs the suite; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parse(argv);
  const ref = JSON.parse(readFileSync(new URL('./reference.json', import.meta.url), 'utf8'));
  await ray.init({ numCpus: 2 });
  try {
    const rounds = args.quick ? 5 : 20;
    const one = await samplingRate(1, rounds);
    const two = await samplingRate(2, rounds);
    console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (figures are noisy when others share the CPUs)`);
    console.log('rllib sampling (PPO policy 2x64, CartPole-v1, 4 envs per runner, 2000 steps per runner per round)');
    console.log(`  1 env runner : ${one.toFixed(0)} env steps/s`);
    console.log(`  2 env runners: ${two.toFixed(0)} env steps/s   ratio ${(two / one).toFixed(2)}x (ideal 2.00x on 2 free CPUs)`);
    const stop = ref.ppo_cartpole_stop;
    const run = ref.ppo_cartpole_example_run;
    const t = await timeToReturn(args.seed, 450, args.quick ? 30 : 150);
    console.log(`PPO CartPole-v1 to mean return ${stop.returnTarget} (2 env runners x 4 envs, seed ${args.seed}):`);
    if (t.reached) console.log(`  ours : ${t.seconds.toFixed(1)} s, ${t.envSteps} env steps, ${t.iterations} iterations`);
    else console.log(`  ours : NOT reached within ${t.iterations} iterations (${t.envSteps} env steps, ${t.seconds.toFixed(1)} s)`);
    console.log(`  RLlib: tuned example budget ${stop.envStepsBudget} env steps  -> ours/budget ${(t.envSteps / stop.envStepsBudget).toFixed(2)}   [${'rllib/tuned_examples/ppo/cartpole_ppo.py'}]`);
    console.log(`  RLlib: example run ${run.wallSeconds} s, ${run.iterations} iterations (~${run.envStepsDerived} env steps, derived) -> time ratio ours/RLlib ${(t.seconds / run.wallSeconds).toFixed(2)}, steps ratio ${(t.envSteps / run.envStepsDerived).toFixed(2)}   [rllib/examples/gpus/mixed_precision_training.py]`);
    const out = { loadavg: loadavg(), sampling: { oneRunnerStepsPerS: one, twoRunnersStepsPerS: two, ratio: two / one }, timeTo450: t, reference: ref };
    if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
    return t.reached ? 0 : 1;
  } finally {
    ray.shutdown();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main(process.argv.slice(2)));
