import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DQNConfig, EnvRunner, PPOConfig } from '../src/index.js';
import { CountingEnv, makeCountingEnv } from './fixtures/env-custom.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

const ppo = (numEnvRunners: number) =>
  new PPOConfig().environment('CartPole-v1').envRunners({ numEnvRunners, numEnvsPerEnvRunner: 2, numCpusPerEnvRunner: 0.5 })
    .training({ trainBatchSize: 400, minibatchSize: 100, numEpochs: 1 }).debugging({ seed: 5 });

test('a local runner returns typed-array columns with one segment end per episode end or fragment end', { timeout: 60_000 }, async () => {
  const algo = ppo(0).build();
  await algo.ready();
  const spec = (algo.envRunnerGroup as unknown as { local: EnvRunner }).local.spec;
  const runner = new EnvRunner({ ...spec, fragmentLength: 50 });
  const r = await runner.sample(algo.getWeights(), 0, { explore: true });
  const b = r.batch;
  // 2 envs x 50 vector steps, minus the steps on which an env autoreset (no transition).
  assert.equal(b.count, r.envSteps);
  assert.ok(b.count <= 100 && b.count >= 90, `rows ${b.count}`);
  assert.ok(b.obs instanceof Float32Array && b.obs.length === 4 * b.count);
  assert.ok(b.actions instanceof Int32Array && b.logp instanceof Float32Array && b.vfPreds instanceof Float32Array);
  assert.equal(b.segmentEnds![b.count - 1], 1, 'the last row closes a segment');
  const dones = b.terminateds.reduce((s, x) => s + x, 0) + b.truncateds.reduce((s, x) => s + x, 0);
  const ends = b.segmentEnds!.reduce((s, x) => s + x, 0);
  assert.equal(r.episodes.returns.length, dones);
  assert.ok(ends >= dones && ends <= dones + 2, 'segments end at episode ends and at most once more per env');
  runner.close();
  await algo.stop();
});

test('samples cross the object store from 2 runner actors, and the weights reach them', { timeout: 60_000 }, async () => {
  const algo = ppo(2).build();
  try {
    const r1 = await algo.train();
    assert.equal(r1.envRunners.numEnvStepsSampledPerRunner.length, 2);
    for (const n of r1.envRunners.numEnvStepsSampledPerRunner) assert.ok(n > 180 && n <= 200, `runner steps ${n}`);
    const r2 = await algo.train();
    assert.equal(r2.envRunners.numEnvStepsSampledLifetime, r1.envRunners.numEnvStepsSampled + r2.envRunners.numEnvStepsSampled);
    const pids = await ray.get(algo.envRunnerGroup!.handles.map((h) => h.ping.remote()));
    assert.equal(new Set(pids).size, 2, 'two runner processes');
    assert.ok(!pids.includes(process.pid));
  } finally {
    await algo.stop();
  }
});

test('a runner whose process is killed mid-training is replaced and training continues on all runners', { timeout: 120_000 }, async () => {
  const algo = ppo(2).build();
  try {
    await algo.train();
    const victim = algo.envRunnerGroup!.handles[0]!;
    const oldPid = await ray.get(victim.ping.remote());
    const pending = algo.train();
    ray.kill(victim);
    const r = await pending;
    assert.equal(r.trainingIteration, 2);
    assert.equal(r.envRunners.numEnvStepsSampledPerRunner.length, 2, 'the replacement sampled the missing share');
    for (const n of r.envRunners.numEnvStepsSampledPerRunner) assert.ok(n > 180, `runner steps ${n}`);
    // Killing from inside (a crash) also recovers.
    algo.envRunnerGroup!.handles[1]!.crashForTesting.remote();
    let last = r;
    for (let i = 0; i < 3; i++) last = await algo.train();
    assert.ok(last.envRunners.numEnvRunnerRestarts >= 1, `restarts ${last.envRunners.numEnvRunnerRestarts}`);
    assert.equal(last.envRunners.numHealthyEnvRunners, 2);
    assert.equal(last.envRunners.numEnvStepsSampledPerRunner.length, 2);
    for (const n of last.envRunners.numEnvStepsSampledPerRunner) assert.ok(n > 180, `runner steps ${n}`);
    const pids = await ray.get(algo.envRunnerGroup!.handles.map((h) => h.ping.remote()));
    assert.ok(!pids.includes(oldPid), 'runner 1 is a new process');
    assert.equal(new Set(pids).size, 2);
  } finally {
    await algo.stop();
  }
});

test('an exported env class or creator reaches the runner actors by reference, with its envConfig', { timeout: 60_000 }, async () => {
  const ppoAlgo = new PPOConfig().environment(CountingEnv, { envConfig: { length: 5 } }).envRunners({ numEnvRunners: 1, numCpusPerEnvRunner: 0.5 })
    .training({ trainBatchSize: 100, minibatchSize: 50, numEpochs: 1 }).debugging({ seed: 1 }).build();
  const dqnAlgo = new DQNConfig().environment(makeCountingEnv, { envConfig: { length: 4 } }).envRunners({ numEnvRunners: 1, numCpusPerEnvRunner: 0.5 })
    .training({ minSampleTimestepsPerIteration: 40, numStepsSampledBeforeLearningStarts: 10 }).debugging({ seed: 1 }).build();
  try {
    const p = await ppoAlgo.train();
    assert.equal(p.envRunners.episodeLenMean, 5);
    assert.equal(p.envRunners.episodeReturnMean, 5);
    const d = await dqnAlgo.train();
    assert.equal(d.envRunners.episodeLenMean, 4);
  } finally {
    await ppoAlgo.stop();
    await dqnAlgo.stop();
  }
});
