// Env specs cross processes: an actor rebuilds envs from plain-data specs (built-in id, an id
// registered by a module the worker has not imported, an exported class).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { envSpec } from '../src/env/index.js';
import { CountingEnv } from './fixtures/env-custom.js';
import { SpecRunnerActor } from './fixtures/env-runner-actor.js';
import './fixtures/env-register.js';

before(async () => {
  await ray.init({ numCpus: 1 });
});
after(() => ray.shutdown());

test('an actor in another process rebuilds envs from envSpec data', async () => {
  const runner = SpecRunnerActor.remote();
  const builtin = await ray.get(runner.episodeLength.remote(await envSpec('CartPole-v1', { maxEpisodeSteps: 5 }), {}));
  assert.notEqual(builtin.pid, process.pid);
  assert.ok(builtin.length <= 5);
  const registered = await ray.get(runner.episodeLength.remote(await envSpec('FixtureCounting-v0'), { length: 10 }));
  assert.deepEqual([registered.length, registered.truncated], [2, true]);
  const exported = await ray.get(runner.episodeLength.remote(await envSpec(CountingEnv), { length: 4 }));
  assert.deepEqual([exported.length, exported.truncated], [4, false]);
});
