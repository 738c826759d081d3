// The env registry and env specs: built-ins, user registration by class or creator, typed errors,
// and plain-data specs that rebuild an env (by id after importing the registering module, or by export).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RayError } from '@ray-ts/core';
import {
  CartPoleEnv, EnvAlreadyRegisteredError, EnvNotFoundError, EnvSpecError, TimeLimit, envRegistration, envSpec,
  makeEnv, makeEnvFromSpec, registerEnv, registeredEnvIds, unregisterEnv, type Env,
} from '../src/env/index.js';
import { CountingEnv, makeCountingEnv } from './fixtures/env-custom.js';

const registerModule = new URL('./fixtures/env-register.ts', import.meta.url).href;

test('built-ins are registered under Gymnasium ids with their time limits', () => {
  for (const id of ['CartPole-v1', 'Pendulum-v1', 'MountainCar-v0', 'GridWorld-v0']) assert.ok(registeredEnvIds().includes(id));
  const env = makeEnv('CartPole-v1');
  assert.ok(env instanceof TimeLimit);
  assert.equal(env.maxEpisodeSteps, 500);
  assert.ok(env.unwrapped instanceof CartPoleEnv);
  assert.equal((makeEnv('Pendulum-v1') as TimeLimit).maxEpisodeSteps, 200);
  assert.equal((makeEnv('MountainCar-v0') as TimeLimit).maxEpisodeSteps, 200);
  assert.equal((makeEnv('CartPole-v1', {}, { maxEpisodeSteps: 10 }) as TimeLimit).maxEpisodeSteps, 10);
  assert.ok(makeEnv('CartPole-v1', {}, { maxEpisodeSteps: null }) instanceof CartPoleEnv);
  assert.equal((makeEnv('Pendulum-v1', { g: 3 }) as TimeLimit<import('../src/env/index.js').PendulumEnv>).unwrapped.g, 3);
});

test('an unknown id throws EnvNotFoundError listing the known ids', () => {
  assert.throws(() => makeEnv('NoSuchEnv-v9'), (e) => {
    assert.ok(e instanceof EnvNotFoundError && e instanceof RayError);
    assert.equal(e.code, 'ENV_NOT_FOUND');
    assert.equal(e.envId, 'NoSuchEnv-v9');
    assert.ok(e.knownIds.includes('CartPole-v1'));
    assert.match(e.message, /Known ids: .*CartPole-v1/);
    return true;
  });
});

test('registering by class or creator; duplicates throw EnvAlreadyRegisteredError unless override', () => {
  try {
    registerEnv('Counting-v0', CountingEnv);
    registerEnv('CountingFn-v0', makeCountingEnv, { maxEpisodeSteps: 2 });
    const a = makeEnv('Counting-v0', { length: 5 });
    assert.ok(a instanceof CountingEnv);
    assert.equal(a.length, 5);
    const b = makeEnv('CountingFn-v0') as TimeLimit;
    b.reset();
    assert.equal(b.step(0).truncated, false);
    assert.equal(b.step(0).truncated, true);
    assert.throws(() => registerEnv('Counting-v0', makeCountingEnv), (e) => e instanceof EnvAlreadyRegisteredError && e.envId === 'Counting-v0' && e.code === 'ENV_ALREADY_REGISTERED');
    assert.throws(() => registerEnv('CartPole-v1', makeCountingEnv), EnvAlreadyRegisteredError);
    registerEnv('Counting-v0', makeCountingEnv, { override: true });
    assert.equal(envRegistration('Counting-v0')!.target, makeCountingEnv);
    assert.equal(envRegistration('Counting-v0')!.module, import.meta.url); // the registering module
  } finally {
    unregisterEnv('Counting-v0');
    unregisterEnv('CountingFn-v0');
  }
  assert.throws(() => registerEnv('', CountingEnv), (e) => e instanceof TypeError && /id/.test(e.message));
  assert.throws(() => registerEnv('X-v0', 5 as unknown as typeof CountingEnv), (e) => e instanceof TypeError && /target/.test(e.message));
  assert.throws(() => registerEnv('X-v0', CountingEnv, { maxEpisodeSteps: 0 }), (e) => e instanceof RangeError && /maxEpisodeSteps/.test(e.message));
  assert.throws(() => makeEnv((() => 42) as unknown as () => Env), (e) => e instanceof TypeError && /not an Env/.test(e.message));
});

test('makeEnv takes a class or a creator directly (no time limit unless asked)', () => {
  assert.ok(makeEnv(CountingEnv) instanceof CountingEnv);
  assert.ok(makeEnv(makeCountingEnv, { length: 1 }) instanceof CountingEnv);
  const limited = makeEnv(CountingEnv, { length: 100 }, { maxEpisodeSteps: 1 }) as TimeLimit;
  limited.reset();
  const r = limited.step(0);
  assert.equal(r.truncated, true);
  assert.equal(r.terminated, false);
});

test('envSpec: ids and registered targets become plain { kind: registered } data', async () => {
  assert.deepEqual(await envSpec('CartPole-v1'), { kind: 'registered', id: 'CartPole-v1' });
  assert.deepEqual(await envSpec(CartPoleEnv), { kind: 'registered', id: 'CartPole-v1', maxEpisodeSteps: null });
  assert.ok((await makeEnvFromSpec(await envSpec(CartPoleEnv))) instanceof CartPoleEnv); // like makeEnv(CartPoleEnv)
  await assert.rejects(envSpec('Nope-v0'), EnvNotFoundError);
  const spec = await envSpec('Pendulum-v1', { maxEpisodeSteps: 7 });
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec); // plain data
  const env = (await makeEnvFromSpec(spec, { g: 2 })) as TimeLimit;
  assert.equal(env.maxEpisodeSteps, 7);
});

test('envSpec: an exported class or creator becomes an export reference that loads back', async () => {
  const spec = await envSpec(CountingEnv);
  assert.equal(spec.kind, 'export');
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  const env = await makeEnvFromSpec(spec, { length: 4 });
  assert.ok(env instanceof CountingEnv);
  assert.equal(env.length, 4);
  const fnSpec = await envSpec(makeCountingEnv, { maxEpisodeSteps: 3 });
  const limited = (await makeEnvFromSpec(fnSpec)) as TimeLimit;
  assert.equal(limited.maxEpisodeSteps, 3);
});

test('envSpec: a class that is not exported throws EnvSpecError with the lookup error as cause', async () => {
  class Hidden extends CountingEnv {}
  await assert.rejects(envSpec(Hidden), (e: unknown) => {
    assert.ok(e instanceof EnvSpecError && e.code === 'ENV_SPEC' && e.envName === 'Hidden');
    assert.ok((e as Error).cause instanceof RayError);
    assert.match((e as Error).message, /registerEnv/);
    return true;
  });
});

test('makeEnvFromSpec imports the registering module for an id this process does not know yet', async () => {
  assert.equal(envRegistration('FixtureCounting-v0'), undefined);
  const env = (await makeEnvFromSpec({ kind: 'registered', id: 'FixtureCounting-v0', module: registerModule })) as TimeLimit;
  assert.ok(env.unwrapped instanceof CountingEnv);
  assert.equal(env.maxEpisodeSteps, 2);
  assert.equal(envRegistration('FixtureCounting-v0')!.module, registerModule);
  assert.deepEqual(await envSpec('FixtureCounting-v0'), { kind: 'registered', id: 'FixtureCounting-v0', module: registerModule });
  await assert.rejects(makeEnvFromSpec({ kind: 'registered', id: 'Missing-v0', module: new URL('./fixtures/env-custom.ts', import.meta.url).href }), EnvNotFoundError);
  await assert.rejects(makeEnvFromSpec({ kind: 'registered', id: 'Missing-v1', module: 'file:///nonexistent/module.ts' }), EnvSpecError);
});
