// VectorEnv: lockstep stepping, batched typed arrays, next-step autoreset, seeding, episode stats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CartPoleEnv, EpisodeStats, ResetNeededError, VectorEnv, makeEnv, makeVectorEnv } from '../src/env/index.js';
import { CountingEnv } from './fixtures/env-custom.js';

test('batched shapes and lockstep stepping match the single envs', () => {
  const vec = makeVectorEnv('CartPole-v1', { numEnvs: 3 });
  assert.equal(vec.obsSize, 4);
  assert.equal(vec.actionSize, 1);
  const { obs } = vec.reset({ seed: 10 });
  assert.equal(obs.length, 12);
  // Env i is seeded with seed + i, as in Gymnasium.
  const singles = [0, 1, 2].map(() => makeEnv('CartPole-v1'));
  singles.forEach((e, i) => assert.deepEqual(Array.from(e.reset({ seed: 10 + i }).obs as Float32Array), Array.from(obs.subarray(i * 4, i * 4 + 4))));
  const r = vec.step([0, 1, 1]);
  assert.ok(r.obs instanceof Float32Array && r.rewards instanceof Float32Array && r.terminated instanceof Uint8Array);
  [0, 1, 1].forEach((a, i) => assert.deepEqual(Array.from(singles[i]!.step(a).obs as Float32Array), Array.from(r.obs.subarray(i * 4, i * 4 + 4))));
  assert.deepEqual(Array.from(r.rewards), [1, 1, 1]);
  assert.throws(() => vec.step([0, 1]), (e) => e instanceof RangeError && /actions/.test(e.message));
});

test('next-step autoreset: the ending step returns the final obs; the next step resets (action ignored, reward 0)', () => {
  const vec = new VectorEnv([new CountingEnv({ length: 2 }), new CountingEnv({ length: 3 })]);
  vec.reset();
  let r = vec.step([0, 0]);
  assert.deepEqual(Array.from(r.obs), [1, 1]);
  r = vec.step([0, 0]);
  assert.deepEqual(Array.from(r.obs), [2, 2]); // env 0's final obs
  assert.deepEqual(Array.from(r.terminated), [1, 0]);
  assert.deepEqual(Array.from(r.autoreset), [0, 0]);
  r = vec.step([0, 0]);
  assert.deepEqual(Array.from(r.obs), [0, 3]); // env 0 reset; env 1 ends
  assert.deepEqual(Array.from(r.rewards), [0, 1]);
  assert.deepEqual(Array.from(r.terminated), [0, 1]);
  assert.deepEqual(Array.from(r.autoreset), [1, 0]);
  r = vec.step([0, 0]);
  assert.deepEqual(Array.from(r.obs), [1, 0]);
  assert.deepEqual(Array.from(r.autoreset), [0, 1]);
  assert.deepEqual(Array.from(r.rewards), [1, 0]);
});

test('truncation by TimeLimit autoresets too, and episode stats record returns and lengths', () => {
  const vec = makeVectorEnv(CountingEnv, { numEnvs: 2, envConfig: { length: 100 }, maxEpisodeSteps: 3 });
  vec.reset();
  const truncs: number[][] = [];
  for (let t = 0; t < 8; t++) truncs.push(Array.from(vec.step([0, 1]).truncated));
  // Steps 1-3: episode, step 4: autoreset, steps 5-7: episode, step 8: autoreset.
  assert.deepEqual(truncs.map((x) => x[0]), [0, 0, 1, 0, 0, 0, 1, 0]);
  const eps = vec.stats.drain();
  assert.equal(eps.length, 4);
  assert.ok(eps.every((e) => e.episodeReturn === 3 && e.length === 3 && e.truncated && !e.terminated));
  assert.deepEqual(eps.map((e) => e.envIndex).sort(), [0, 0, 1, 1]);
  assert.equal(vec.stats.numEnvSteps, 12); // autoreset steps are not env steps
  assert.equal(vec.stats.drain().length, 0);
  const s = EpisodeStats.summarize(eps);
  assert.deepEqual(s, { numEpisodes: 4, episodeReturnMean: 3, episodeReturnMin: 3, episodeReturnMax: 3, episodeLenMean: 3 });
  assert.ok(Number.isNaN(EpisodeStats.summarize([]).episodeReturnMean));
});

test('CartPole vector run: stats match the terminated episodes; a seeded run is reproducible', () => {
  const run = (): number[] => {
    const vec = makeVectorEnv('CartPole-v1', { numEnvs: 4 });
    vec.reset({ seed: 5 });
    const returns: number[] = [];
    let sumRewards = 0;
    for (let t = 0; t < 300; t++) {
      const r = vec.step([0, 1, 0, 1].map((a, i) => (t + i) % 3 === 0 ? 1 - a : a));
      sumRewards += r.rewards.reduce((x, y) => x + y, 0);
    }
    for (const e of vec.stats.drain()) returns.push(e.episodeReturn);
    const inProgress = Array.from(vec.stats.currentReturns).reduce((x, y) => x + y, 0);
    assert.equal(returns.reduce((x, y) => x + y, 0) + inProgress, sumRewards);
    assert.ok(returns.length > 4);
    return returns;
  };
  assert.deepEqual(run(), run());
});

test('Discrete observations are one-hot; seeds and arguments are validated', () => {
  const vec = makeVectorEnv('GridWorld-v0', { numEnvs: 2 });
  assert.equal(vec.obsSize, 25);
  const { obs } = vec.reset();
  assert.equal(obs[0], 1);
  assert.equal(obs[25], 1);
  assert.equal(obs.reduce((a, b) => a + b, 0), 2);
  const r = vec.step([2, 1]);
  assert.equal(r.obs[1], 1); // env 0 moved right to cell 1
  assert.equal(r.obs[25 + 5], 1); // env 1 moved down to cell 5
  assert.throws(() => new VectorEnv([]), (e) => e instanceof TypeError && /envs/.test(e.message));
  assert.throws(() => new VectorEnv([new CartPoleEnv(), makeEnv('MountainCar-v0')]), (e) => e instanceof TypeError && /envs\[1\]/.test(e.message));
  assert.throws(() => makeVectorEnv('CartPole-v1', { numEnvs: 0 }), (e) => e instanceof RangeError && /numEnvs/.test(e.message));
  assert.throws(() => vec.reset({ seed: [1] }), (e) => e instanceof RangeError && /seed/.test(e.message));
  assert.throws(() => vec.reset({ seed: -3 }), (e) => e instanceof RangeError && /seed/.test(e.message));
  assert.throws(() => new VectorEnv([new CartPoleEnv()]).step([0]), ResetNeededError);
  const pend = makeVectorEnv('Pendulum-v1', { numEnvs: 2 });
  pend.reset({ seed: [1, undefined] });
  const pr = pend.step(Float32Array.of(0.5, -0.5));
  assert.equal(pr.obs.length, 6);
  assert.ok(pr.rewards.every((x) => x <= 0));
});
