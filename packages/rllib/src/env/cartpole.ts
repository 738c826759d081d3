/**
 * CartPole-v1 with Gymnasium's dynamics (`gymnasium/envs/classic_control/cartpole.py`):
 * a pole on a cart pushed left or right with a force of 10 N, Euler integration every
 * 0.02 s, in float64 like Gymnasium (observations are the state cast to float32).
 *
 * - Actions: `Discrete(2)`; 0 pushes left, 1 pushes right.
 * - Observation: `[x, xDot, theta, thetaDot]` in `Box([-4.8, -f32max, -0.418, -f32max], [+...])`.
 * - Reward: 1 on every step, including the one that terminates (0 on steps taken after
 *   termination). With `suttonBartoReward`: 0 per step, -1 on termination.
 * - Terminated when `|x| > 2.4` or `|theta| > 12°`. Truncation at 500 steps comes from the
 *   `TimeLimit` wrapper that `makeEnv('CartPole-v1')` adds, not from the env.
 * - Initial state: each component uniform in `[-0.05, 0.05)` (reset options `low`/`high`).
 */
import type { Action, StepResult } from './env.js';
import { BaseEnv, checkState, resetBounds } from './base-env.js';
import { box, discrete, FLOAT32_MAX } from './spaces.js';

/** Options of {@link CartPoleEnv}. */
export interface CartPoleOptions {
  /**
   * Use Sutton & Barto's reward (0 per step, -1 on termination) instead of +1 per step.
   * @default false
   */
  readonly suttonBartoReward?: boolean;
}

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;

/** CartPole-v1 (see the module comment for the exact dynamics). */
export class CartPoleEnv extends BaseEnv {
  /** Pole angle beyond which the episode terminates: 12 degrees in radians. */
  static readonly thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
  /** Cart position beyond which the episode terminates. */
  static readonly xThreshold = 2.4;

  /** `Box` of 4 float32 values (angle bound is twice the threshold so the failing observation is inside). */
  readonly observationSpace = box(
    [-CartPoleEnv.xThreshold * 2, -FLOAT32_MAX, -CartPoleEnv.thetaThresholdRadians * 2, -FLOAT32_MAX],
    [CartPoleEnv.xThreshold * 2, FLOAT32_MAX, CartPoleEnv.thetaThresholdRadians * 2, FLOAT32_MAX],
  );
  /** `Discrete(2)`: 0 = push left, 1 = push right. */
  readonly actionSpace = discrete(2);
  private readonly suttonBartoReward: boolean;
  private state: [number, number, number, number] = [0, 0, 0, 0];
  private stepsBeyondTerminated: number | undefined;

  /** @throws TypeError when an option has the wrong type */
  constructor(options: CartPoleOptions = {}) {
    super();
    const sb = options.suttonBartoReward ?? false;
    if (typeof sb !== 'boolean') throw new TypeError('suttonBartoReward must be a boolean');
    this.suttonBartoReward = sb;
  }

  /** The float64 state `[x, xDot, theta, thetaDot]`. */
  getState(): [number, number, number, number] {
    return [...this.state];
  }

  /**
   * Sets the float64 state `[x, xDot, theta, thetaDot]` (for tests and reference
   * trajectories) and clears the "already terminated" flag; stepping is allowed after it.
   * @throws TypeError when `state` is not 4 finite numbers
   */
  setState(state: ArrayLike<number>): Float32Array {
    this.state = checkState(state, 4, 'x, xDot, theta, thetaDot') as [number, number, number, number];
    this.stepsBeyondTerminated = undefined;
    this.markStarted();
    return Float32Array.from(this.state);
  }

  protected resetState(options: Record<string, unknown>): Float32Array {
    const [low, high] = resetBounds(options, -0.05, 0.05);
    const rng = this.npRandom;
    this.state = [rng.uniform(low, high), rng.uniform(low, high), rng.uniform(low, high), rng.uniform(low, high)];
    this.stepsBeyondTerminated = undefined;
    return Float32Array.from(this.state);
  }

  protected stepState(action: Action): StepResult {
    this.checkAction(action);
    let [x, xDot, theta, thetaDot] = this.state;
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sinTheta - cosTheta * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
    const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
    // Euler integration (Gymnasium's default `kinematics_integrator`).
    x = x + TAU * xDot;
    xDot = xDot + TAU * xAcc;
    theta = theta + TAU * thetaDot;
    thetaDot = thetaDot + TAU * thetaAcc;
    this.state = [x, xDot, theta, thetaDot];

    const terminated =
      x < -CartPoleEnv.xThreshold || x > CartPoleEnv.xThreshold ||
      theta < -CartPoleEnv.thetaThresholdRadians || theta > CartPoleEnv.thetaThresholdRadians;
    let reward: number;
    if (!terminated) {
      reward = this.suttonBartoReward ? 0.0 : 1.0;
    } else if (this.stepsBeyondTerminated === undefined) {
      this.stepsBeyondTerminated = 0; // the pole just fell
      reward = this.suttonBartoReward ? -1.0 : 1.0;
    } else {
      this.stepsBeyondTerminated++; // stepping a terminated episode: undefined behavior in Gymnasium
      reward = this.suttonBartoReward ? -1.0 : 0.0;
    }
    return { obs: Float32Array.from(this.state), reward, terminated, truncated: false, info: {} };
  }
}
