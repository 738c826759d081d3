/**
 * Pendulum-v1 with Gymnasium's dynamics (`gymnasium/envs/classic_control/pendulum.py`):
 * swing a pendulum up and hold it upright with a bounded torque.
 *
 * - Action: `Box(-2, 2, [1])`, the torque `u` (clipped to [-2, 2]).
 * - Observation: `[cos(theta), sin(theta), thetaDot]` in `Box([-1, -1, -8], [1, 1, 8])`.
 * - Reward: `-(normalize(theta)^2 + 0.1 * thetaDot^2 + 0.001 * u^2)` from the state
 *   before the step, where `normalize` maps an angle into [-pi, pi).
 * - Dynamics (dt = 0.05, m = l = 1, g = 10 by default):
 *   `thetaDot' = clip(thetaDot + (3g/(2l) sin(theta) + 3/(m l^2) u) dt, -8, 8)`,
 *   `theta' = theta + thetaDot' dt`.
 * - Never terminates; truncation at 200 steps comes from the `TimeLimit` wrapper.
 * - Initial state: theta uniform in [-pi, pi), thetaDot uniform in [-1, 1) (reset options
 *   `xInit`/`yInit`, Gymnasium's `x_init`/`y_init`, change the bounds).
 *
 * The state is float64 as in Gymnasium. The action is float32, and NumPy ≥ 2 (NEP 50)
 * evaluates the terms `3/(m l^2) * u` and `0.001 * u^2` in float32; they are rounded the
 * same way here (`Math.fround`), so the numbers match Gymnasium under NumPy 2.
 */
import type { Action, StepResult } from './env.js';
import { BaseEnv, checkState } from './base-env.js';
import { InvalidActionError } from './errors.js';
import { box, describeSpace } from './spaces.js';

/** Options of {@link PendulumEnv}. */
export interface PendulumOptions {
  /**
   * Acceleration of gravity (m/s²).
   * @default 10
   */
  readonly g?: number;
}

const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const M = 1.0;
const L = 1.0;

/** Gymnasium's `angle_normalize`: `((x + pi) mod 2pi) - pi` with Python's floored modulo. */
export function angleNormalize(x: number): number {
  const m = 2 * Math.PI;
  let r = (x + Math.PI) % m;
  if (r !== 0 && r < 0) r += m;
  return r - Math.PI;
}

/** Pendulum-v1 (see the module comment for the exact dynamics). */
export class PendulumEnv extends BaseEnv {
  /** `Box([-1, -1, -8], [1, 1, 8])`. */
  readonly observationSpace = box([-1.0, -1.0, -MAX_SPEED], [1.0, 1.0, MAX_SPEED]);
  /** `Box(-2, 2, [1])`: the torque. */
  readonly actionSpace = box(-MAX_TORQUE, MAX_TORQUE, [1]);
  /** Acceleration of gravity. */
  readonly g: number;
  private theta = 0;
  private thetaDot = 0;
  /** The last torque applied (after clipping), or undefined after reset. */
  lastU: number | undefined;

  /** @throws TypeError when `g` is not a finite number */
  constructor(options: PendulumOptions = {}) {
    super();
    const g = options.g ?? 10.0;
    if (typeof g !== 'number' || !Number.isFinite(g)) throw new TypeError(`g must be a finite number, got ${String(g)}`);
    this.g = g;
  }

  /** The float64 state `[theta, thetaDot]` (theta = 0 is upright). */
  getState(): [number, number] {
    return [this.theta, this.thetaDot];
  }

  /**
   * Sets the float64 state `[theta, thetaDot]`; stepping is allowed after it.
   * @throws TypeError when `state` is not 2 finite numbers
   */
  setState(state: ArrayLike<number>): Float32Array {
    [this.theta, this.thetaDot] = checkState(state, 2, 'theta, thetaDot') as [number, number];
    this.lastU = undefined;
    this.markStarted();
    return this.obs();
  }

  protected resetState(options: Record<string, unknown>): Float32Array {
    const bound = (field: 'xInit' | 'yInit', dflt: number): number => {
      const v = options[field];
      if (v === undefined) return dflt;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`options.${field} must be a finite number, got ${String(v)}`);
      return v;
    };
    const x = bound('xInit', Math.PI);
    const y = bound('yInit', 1.0);
    const rng = this.npRandom;
    this.theta = rng.uniform(-x, x);
    this.thetaDot = rng.uniform(-y, y);
    this.lastU = undefined;
    return this.obs();
  }

  protected stepState(action: Action): StepResult {
    const raw = typeof action === 'number' ? action : action.length === 1 ? action[0]! : Number.NaN;
    if (Number.isNaN(raw)) throw new InvalidActionError('PendulumEnv', action, describeSpace(this.actionSpace));
    const u = Math.fround(Math.min(Math.max(Math.fround(raw), -MAX_TORQUE), MAX_TORQUE));
    this.lastU = u;
    const th = this.theta;
    const thDot = this.thetaDot;
    const an = angleNormalize(th);
    const costs = an * an + 0.1 * (thDot * thDot) + Math.fround(Math.fround(0.001) * Math.fround(u * u));
    const torqueTerm = Math.fround(Math.fround(3.0 / (M * (L * L))) * u);
    let newThDot = thDot + ((3 * this.g) / (2 * L) * Math.sin(th) + torqueTerm) * DT;
    newThDot = Math.min(Math.max(newThDot, -MAX_SPEED), MAX_SPEED);
    this.theta = th + newThDot * DT;
    this.thetaDot = newThDot;
    return { obs: this.obs(), reward: -costs, terminated: false, truncated: false, info: {} };
  }

  private obs(): Float32Array {
    return Float32Array.of(Math.cos(this.theta), Math.sin(this.theta), this.thetaDot);
  }
}
