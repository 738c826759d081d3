// Built-in envs against Gymnasium: reference trajectories recorded from Gymnasium 1.3 itself
// (fixtures/env-gymnasium-reference.ts), hand-derived first steps, termination/truncation at the
// right step, spaces containing observations, seeding determinism, and argument checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CartPoleEnv, GridWorldEnv, InvalidActionError, MountainCarEnv, PendulumEnv, ResetNeededError, TimeLimit,
  angleNormalize, contains, makeEnv, type Env, type StepResult,
} from '../src/env/index.js';
import { GYMNASIUM_REFERENCE as REF, type RefTrajectory } from './fixtures/env-gymnasium-reference.js';

type Stateful = { setState(s: ArrayLike<number>): unknown; getState(): number[] };

/**
 * Runs a reference trajectory through `makeEnv(id)` from its initial state; checks every recorded
 * value. `tol` bounds the float64 state/reward difference: 0 (bit-exact) for CartPole and MountainCar;
 * Pendulum drifts by ~1e-12 over 200 steps because V8's sin/cos and glibc's differ in the last ulp.
 */
function replay(id: string, ref: RefTrajectory, toAction: (a: number) => number | Float32Array, tol = 0): void {
  const env = makeEnv(id) as TimeLimit;
  env.reset({ seed: 0 });
  (env.unwrapped as unknown as Stateful).setState(ref.initialState);
  const results: StepResult[] = [];
  for (const a of ref.actions) {
    const r = env.step(toAction(a));
    results.push(r);
    assert.ok(contains(env.observationSpace, r.obs), `step ${results.length}: obs outside the observation space`);
    const want = ref.states[String(results.length)];
    if (want) {
      const got = (env.unwrapped as unknown as Stateful).getState();
      got.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) <= tol, `${id} step ${results.length} state[${k}]: ${v} vs Gymnasium ${want[k]}`));
    }
  }
  assert.equal(results.length, ref.numSteps);
  for (const [step, obs] of Object.entries(ref.obs)) {
    assert.deepEqual(Array.from(results[Number(step) - 1]!.obs as Float32Array), obs.map(Math.fround), `${id} obs after step ${step}`);
  }
  results.forEach((r, i) => {
    const want = ref.rewards ? ref.rewards[i]! : ref.reward!;
    assert.ok(Math.abs(r.reward - want) <= tol, `${id} reward at step ${i + 1}: ${r.reward} vs ${want}`);
    assert.equal(r.terminated, ref.terminatedAt === i + 1, `${id} terminated at step ${i + 1}`);
    assert.equal(r.truncated, ref.truncatedAt === i + 1, `${id} truncated at step ${i + 1}`);
  });
}

test('CartPole-v1: one push right from [0, 0, 0.05, 0] matches the hand-derived step and Gymnasium', () => {
  const env = new CartPoleEnv();
  env.setState([0, 0, 0.05, 0]);
  const r = env.step(1);
  // Gymnasium's equations, by hand: force = +10, theta = 0.05, thetaDot = 0.
  const cos = Math.cos(0.05);
  const sin = Math.sin(0.05);
  const temp = 10 / 1.1;
  const thetaAcc = (9.8 * sin - cos * temp) / (0.5 * (4 / 3 - (0.1 * cos * cos) / 1.1));
  const xAcc = temp - (0.05 * thetaAcc * cos) / 1.1;
  const [x, xDot, theta, thetaDot] = env.getState();
  assert.equal(x, 0);
  assert.ok(Math.abs(xDot! - 0.02 * xAcc) < 1e-15);
  assert.equal(theta, 0.05);
  assert.ok(Math.abs(thetaDot! - 0.02 * thetaAcc) < 1e-15);
  // Numbers printed by Gymnasium 1.3 for the same step.
  assert.deepEqual(Array.from(r.obs as Float32Array), [0, 0.19437055, 0.05, -0.27649757].map(Math.fround));
  assert.ok(Math.abs(xDot! - 0.194370546605301) < 1e-15 && Math.abs(thetaDot! + 0.2764975752871551) < 1e-15);
  assert.equal(r.reward, 1);
  assert.equal(r.terminated, false);
  assert.equal(r.truncated, false);
});

test('CartPole-v1 matches Gymnasium until the pole falls (reward 1 on the terminating step, 0 after)', () => {
  replay('CartPole-v1', REF.cartpoleFall!, (a) => a);
  const env = new CartPoleEnv();
  env.setState(REF.cartpoleFall!.initialState);
  let last: StepResult | undefined;
  for (const a of REF.cartpoleFall!.actions) last = env.step(a);
  assert.equal(last!.terminated, true);
  assert.equal(last!.reward, 1);
  assert.equal(env.step(0).reward, 0); // stepping past termination (undefined behavior in Gymnasium)
});

test('CartPole-v1 matches Gymnasium over 500 balanced steps and is truncated (not terminated) at step 500', () => {
  replay('CartPole-v1', REF.cartpoleTruncate!, (a) => a);
});

test('CartPole-v1 with suttonBartoReward: 0 per step, -1 on termination', () => {
  const env = new CartPoleEnv({ suttonBartoReward: true });
  env.setState([0, 0, 0.2094, 0.5]);
  const r = env.step(0);
  assert.equal(r.terminated, true);
  assert.equal(r.reward, -1);
  env.setState([0, 0, 0, 0]);
  assert.equal(env.step(1).reward, 0);
  assert.throws(() => new CartPoleEnv({ suttonBartoReward: 'yes' as unknown as boolean }), (e) => e instanceof TypeError && /suttonBartoReward/.test(e.message));
});

test('Pendulum-v1 matches Gymnasium (NumPy 2) for 200 steps of clipped torques, truncated at 200', () => {
  replay('Pendulum-v1', REF.pendulum!, (a) => Float32Array.of(a), 1e-10);
});

test('Pendulum-v1: reward formula and dynamics by hand; angleNormalize is Python-modulo based', () => {
  const env = new PendulumEnv();
  env.setState([Math.PI, 0.5]);
  const u = Math.fround(1.5);
  const r = env.step(Float32Array.of(1.5));
  const an = angleNormalize(Math.PI);
  assert.ok(Math.abs(an + Math.PI) < 1e-15); // pi maps to -pi
  assert.ok(Math.abs(r.reward + (an * an + 0.1 * 0.25 + 0.001 * u * u)) < 1e-9);
  const newThDot = 0.5 + (15 * Math.sin(Math.PI) + 3 * u) * 0.05;
  assert.ok(Math.abs(env.getState()[1] - newThDot) < 1e-12);
  assert.ok(Math.abs(env.getState()[0] - (Math.PI + newThDot * 0.05)) < 1e-12);
  assert.ok(Math.abs(angleNormalize(-3 * Math.PI / 2) - Math.PI / 2) < 1e-12);
  // The speed is clipped to 8; torque clipped to 2.
  env.setState([0, 7.99]);
  env.step(Float32Array.of(100));
  assert.equal(env.getState()[1], 8);
  assert.equal(env.lastU, 2);
  assert.equal(new PendulumEnv({ g: 9.81 }).g, 9.81);
  assert.throws(() => new PendulumEnv({ g: Number.NaN }), (e) => e instanceof TypeError && /\bg\b/.test(e.message));
});

test('MountainCar-v0 matches Gymnasium: reaching the goal, idling to truncation at 200, the left wall', () => {
  replay('MountainCar-v0', REF.mountainCarGoal!, (a) => a);
  replay('MountainCar-v0', REF.mountainCarIdle!, (a) => a);
  replay('MountainCar-v0', REF.mountainCarWall!, (a) => a);
  const env = new MountainCarEnv();
  env.setState([-1.19, -0.05]);
  env.step(0);
  assert.deepEqual(env.getState(), [-1.2, 0]); // inelastic collision
});

test('GridWorld-v0: layout, walls, pits and goal', () => {
  const env = new GridWorldEnv();
  assert.equal(env.reset().obs, 0);
  const LEFT = 0, DOWN = 1, RIGHT = 2, UP = 3;
  let r = env.step(UP); // wall: stay
  assert.deepEqual([r.obs, r.reward, r.terminated], [0, -0.01, false]);
  r = env.step(LEFT);
  assert.equal(r.obs, 0);
  r = env.step(RIGHT);
  r = env.step(DOWN); // (1, 1) is a pit
  assert.deepEqual([r.obs, r.reward, r.terminated], [6, -1, true]);
  env.reset();
  const path = [RIGHT, RIGHT, RIGHT, RIGHT, DOWN, DOWN, DOWN, DOWN];
  const rewards = path.map((a) => env.step(a));
  assert.equal(rewards.at(-1)!.obs, 24);
  assert.equal(rewards.at(-1)!.reward, 1);
  assert.equal(rewards.at(-1)!.terminated, true);
  assert.ok(rewards.slice(0, -1).every((s) => !s.terminated && s.reward === -0.01));
  assert.throws(() => new GridWorldEnv({ pits: [[0, 0]] }), (e) => e instanceof RangeError && /start/.test(e.message));
  assert.throws(() => new GridWorldEnv({ goal: [5, 0] }), (e) => e instanceof RangeError && /goal/.test(e.message));
  assert.throws(() => new GridWorldEnv({ size: 1 }), (e) => e instanceof RangeError && /size/.test(e.message));
  const limited = makeEnv('GridWorld-v0') as TimeLimit;
  limited.reset();
  let last: StepResult | undefined;
  for (let i = 0; i < 100; i++) last = limited.step(UP);
  assert.equal(last!.truncated, true);
  assert.equal(last!.terminated, false);
});

test('reset obs are inside the spaces; reset options set the initial-state bounds', () => {
  for (const id of ['CartPole-v1', 'Pendulum-v1', 'MountainCar-v0', 'GridWorld-v0']) {
    const env = makeEnv(id);
    for (let s = 0; s < 20; s++) assert.ok(contains(env.observationSpace, env.reset({ seed: s }).obs), id);
  }
  const cp = new CartPoleEnv();
  const o = cp.reset({ seed: 1, options: { low: 0.01, high: 0.02 } }).obs as Float32Array;
  assert.ok(Array.from(o).every((v) => v >= Math.fround(0.01) && v <= Math.fround(0.02)));
  assert.throws(() => cp.reset({ options: { low: 1, high: 0 } }), (e) => e instanceof RangeError && /options.low/.test(e.message));
  const mc = new MountainCarEnv();
  const m = mc.reset({ options: { low: -0.3, high: -0.2 } }).obs as Float32Array;
  assert.ok(m[0]! >= Math.fround(-0.3) && m[0]! <= Math.fround(-0.2) && m[1] === 0);
  const p = new PendulumEnv();
  p.reset({ seed: 3, options: { xInit: 0.1, yInit: 0.2 } });
  const [th, thd] = p.getState();
  assert.ok(Math.abs(th) <= 0.1 && Math.abs(thd) <= 0.2);
});

test('seeding: the same seed gives the same trajectory; reset() without a seed continues the stream', () => {
  const rollout = (env: Env, seed: number | undefined, n: number): number[] => {
    const out = Array.from(env.reset(seed === undefined ? {} : { seed }).obs as Float32Array);
    for (let i = 0; i < n; i++) {
      const r = env.step(i % 2);
      out.push(...(r.obs as Float32Array));
      if (r.terminated) break;
    }
    return out;
  };
  const a = makeEnv('CartPole-v1');
  const b = makeEnv('CartPole-v1');
  assert.deepEqual(rollout(a, 42, 30), rollout(b, 42, 30));
  assert.deepEqual(rollout(a, undefined, 30), rollout(b, undefined, 30)); // same stream continues
  assert.notDeepEqual(rollout(a, 42, 0), rollout(b, 43, 0));
  const p1 = new PendulumEnv();
  const p2 = new PendulumEnv();
  assert.deepEqual(p1.reset({ seed: 7 }).obs, p2.reset({ seed: 7 }).obs);
  assert.throws(() => p1.reset({ seed: -1 }), (e) => e instanceof RangeError && /seed/.test(e.message));
  assert.throws(() => p1.reset({ seed: 1.5 }), (e) => e instanceof RangeError && /seed/.test(e.message));
});

test('step before reset throws ResetNeededError; a bad action throws InvalidActionError', () => {
  for (const env of [new CartPoleEnv(), new PendulumEnv(), makeEnv('MountainCar-v0')]) {
    assert.throws(() => env.step(0), (e) => e instanceof ResetNeededError && e.code === 'ENV_RESET_NEEDED');
  }
  const cp = makeEnv('CartPole-v1');
  cp.reset({ seed: 0 });
  assert.throws(() => cp.step(2), (e) => e instanceof InvalidActionError && e.code === 'ENV_INVALID_ACTION' && e.space === 'Discrete(2)');
  assert.throws(() => cp.step(0.5), InvalidActionError);
  const p = new PendulumEnv();
  p.reset({ seed: 0 });
  assert.throws(() => p.step(Float32Array.of(1, 2)), InvalidActionError);
  const mc = new MountainCarEnv();
  mc.reset();
  assert.throws(() => mc.step(3), InvalidActionError);
});
