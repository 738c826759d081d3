/**
 * MountainCar-v0 with Gymnasium's dynamics (`gymnasium/envs/classic_control/mountain_car.py`):
 * drive an underpowered car up the right hill by rocking it back and forth.
 *
 * - Actions: `Discrete(3)`; 0 accelerates left, 1 does nothing, 2 accelerates right.
 * - Observation: `[position, velocity]` in `Box([-1.2, -0.07], [0.6, 0.07])`.
 * - Dynamics (force = 0.001, gravity = 0.0025):
 *   `v' = clip(v + (a - 1) force - cos(3 p) gravity, -0.07, 0.07)`,
 *   `p' = clip(p + v', -1.2, 0.6)`, and `v' = 0` when the car hits the left wall moving left.
 * - Reward: -1 per step. Terminated when `p' >= 0.5` and `v' >= goalVelocity`; truncation
 *   at 200 steps comes from the `TimeLimit` wrapper.
 * - Initial state: position uniform in [-0.6, -0.4) (reset options `low`/`high`), velocity 0.
 *
 * The state is float64 as in Gymnasium; observations are it cast to float32.
 */
import type { Action, StepResult } from './env.js';
import { BaseEnv, checkState, resetBounds } from './base-env.js';
import { box, discrete } from './spaces.js';

/** Options of {@link MountainCarEnv}. */
export interface MountainCarOptions {
  /**
   * Velocity the car must have (at least) at the goal position to terminate.
   * @default 0
   */
  readonly goalVelocity?: number;
}

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/** MountainCar-v0 (see the module comment for the exact dynamics). */
export class MountainCarEnv extends BaseEnv {
  /** `Box([-1.2, -0.07], [0.6, 0.07])`. */
  readonly observationSpace = box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  /** `Discrete(3)`: 0 = left, 1 = none, 2 = right. */
  readonly actionSpace = discrete(3);
  /** Position of the goal flag. */
  static readonly goalPosition = GOAL_POSITION;
  /** Velocity needed at the goal. */
  readonly goalVelocity: number;
  private position = 0;
  private velocity = 0;

  /** @throws TypeError when `goalVelocity` is not a finite number */
  constructor(options: MountainCarOptions = {}) {
    super();
    const gv = options.goalVelocity ?? 0;
    if (typeof gv !== 'number' || !Number.isFinite(gv)) throw new TypeError(`goalVelocity must be a finite number, got ${String(gv)}`);
    this.goalVelocity = gv;
  }

  /** The float64 state `[position, velocity]`. */
  getState(): [number, number] {
    return [this.position, this.velocity];
  }

  /**
   * Sets the float64 state `[position, velocity]`; stepping is allowed after it.
   * @throws TypeError when `state` is not 2 finite numbers
   */
  setState(state: ArrayLike<number>): Float32Array {
    [this.position, this.velocity] = checkState(state, 2, 'position, velocity') as [number, number];
    this.markStarted();
    return Float32Array.of(this.position, this.velocity);
  }

  protected resetState(options: Record<string, unknown>): Float32Array {
    const [low, high] = resetBounds(options, -0.6, -0.4);
    this.position = this.npRandom.uniform(low, high);
    this.velocity = 0;
    return Float32Array.of(this.position, this.velocity);
  }

  protected stepState(action: Action): StepResult {
    this.checkAction(action);
    const a = action as number;
    let velocity = this.velocity + ((a - 1) * FORCE + Math.cos(3 * this.position) * -GRAVITY);
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    let position = this.position + velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    this.position = position;
    this.velocity = velocity;
    const terminated = position >= GOAL_POSITION && velocity >= this.goalVelocity;
    return { obs: Float32Array.of(position, velocity), reward: -1.0, terminated, truncated: false, info: {} };
  }
}
