/**
 * PPO on CartPole-v1 until the mean return reaches a target, the policy saved with
 * `algo.save(dir)`, then served by ray-ts Serve (a deployment that restores it with
 * `Algorithm.fromCheckpoint`) and one episode played over HTTP against it.
 *
 *   node --conditions=development --import tsx examples/rl/main.ts [--target-return 450] [--max-iterations 100] [--seed 1] [--checkpoint DIR]
 */
import * as ray from '@ray-ts/core';
import { PPOConfig } from '@ray-ts/rllib';
import { serve } from '@ray-ts/serve';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Policy, playEpisode } from './policy.js';

if (ray.isMain(import.meta)) {
  const { values } = parseArgs({
    options: {
      'target-return': { type: 'string', default: '450' },
      'max-iterations': { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      'episode-seed': { type: 'string', default: '2026' },
      checkpoint: { type: 'string' },
    },
  });
  const target = Number(values['target-return']);
  const maxIterations = Number(values['max-iterations']);
  const episodeSeed = Number(values['episode-seed']);
  const checkpointDir = values.checkpoint ?? mkdtempSync(join(tmpdir(), 'rl-ppo-'));

  await ray.init({ numCpus: 2 });
  // The settings of @ray-ts/rllib's README (CleanRL-like PPO): 2 env runner actors of 4 envs each.
  const algo = new PPOConfig()
    .environment('CartPole-v1')
    .envRunners({ numEnvRunners: 2, numEnvsPerEnvRunner: 4, numCpusPerEnvRunner: 0.5 })
    .training({ lr: 5e-4, gamma: 0.99, lambda: 0.95, trainBatchSize: 2048, minibatchSize: 256, numEpochs: 10, clipParam: 0.2, vfClipParam: null, vfLossCoeff: 0.5, entropyCoeff: 0, useKlLoss: false, gradClip: 0.5 })
    .rlModule({ fcnetHiddens: [64, 64], fcnetActivation: 'tanh' })
    .debugging({ seed: Number(values.seed) })
    .build();
  console.log(`training: PPO on CartPole-v1 until the mean return reaches ${target} (at most ${maxIterations} iterations)`);
  const t0 = performance.now();
  let mean = NaN;
  let iterations = 0;
  while (!(mean >= target) && iterations < maxIterations) {
    const r = await algo.train();
    iterations = r.trainingIteration;
    mean = r.envRunners.episodeReturnMean;
    console.log(`iteration ${iterations}: episode return mean ${mean.toFixed(1)} (${r.numEnvStepsSampledLifetime} env steps, ${r.timeThisIterS.toFixed(1)} s)`);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (!(mean >= target)) {
    console.log(`target not reached: episode return mean ${mean.toFixed(1)} < ${target} after ${iterations} iterations`);
    await algo.stop();
    ray.shutdown();
    process.exit(1);
  }
  console.log(`reached: episode return mean ${mean.toFixed(1)} >= ${target} after ${iterations} iterations (${seconds.toFixed(1)} s)`);
  await algo.save(checkpointDir);
  console.log(`policy saved to ${checkpointDir}`);
  const local = await playEpisode((obs) => algo.computeSingleAction(obs, { explore: false }) as number, episodeSeed);
  await algo.stop(); // frees the runners' CPUs; the replica restores its own copy

  await serve.run(Policy.bind(checkpointDir), { name: 'cartpole', routePrefix: '/', port: 0 });
  const url = `http://127.0.0.1:${(await serve.status()).proxy!.port}/act`;
  console.log(`serving the policy at POST ${url}`);
  const latencies: number[] = [];
  const http = await playEpisode(async (obs) => {
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ obs: Array.from(obs) }) });
    if (res.status !== 200) throw new Error(`POST /act: HTTP ${res.status} ${await res.text()}`);
    const { action } = (await res.json()) as { action: number };
    latencies.push(performance.now() - t);
    return action;
  }, episodeSeed);
  latencies.sort((a, b) => a - b);
  console.log(`HTTP episode (env seed ${episodeSeed}): return ${http.ret} in ${http.steps} steps, ${latencies.length} requests, median latency ${latencies[latencies.length >> 1]!.toFixed(2)} ms`);
  console.log(`same episode with the policy in-process: return ${local.ret} (${local.ret === http.ret && local.steps === http.steps ? 'identical' : 'DIFFERENT'})`);
  const bad = await fetch(url, { method: 'POST', body: '{"obs": [1, 2]}' });
  console.log(`bad input: HTTP ${bad.status}`);

  await serve.shutdown();
  ray.shutdown();
  if (!values.checkpoint) rmSync(checkpointDir, { recursive: true, force: true });
}
