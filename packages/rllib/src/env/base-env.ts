/**
 * What Gymnasium's `gym.Env` base class gives every env: the `np_random` generator that
 * `reset({ seed })` reseeds, the order check (no `step` before `reset`) and action checks.
 */
import type { Action, Env, ResetResult, Space, StepResult } from './env.js';
import { InvalidActionError, ResetNeededError } from './errors.js';
import { contains, describeSpace } from './spaces.js';
import { Rng } from './rng.js';

/** Argument of `reset` (Gymnasium's keyword arguments `seed` and `options`). */
export type ResetArgs = Parameters<Env['reset']>[0];

/**
 * Base class for built-in envs. Subclasses implement {@link BaseEnv.resetState} and
 * {@link BaseEnv.stepState}; `reset` and `step` add seeding and order/action checks.
 */
export abstract class BaseEnv implements Env {
  /** Space of observations. */
  abstract readonly observationSpace: Space;
  /** Space of actions. */
  abstract readonly actionSpace: Space;
  private rng: Rng | undefined;
  private started = false;

  /**
   * The env's random generator (Gymnasium's `np_random`): created from OS entropy on first
   * use unless `reset({ seed })` seeded it; `reset` without a seed keeps drawing from it.
   */
  get npRandom(): Rng {
    return (this.rng ??= new Rng());
  }

  /** The innermost env (itself; wrappers return the env they wrap). */
  get unwrapped(): this {
    return this;
  }

  /** True once `reset` (or `setState`) has started an episode. */
  get hasReset(): boolean {
    return this.started;
  }

  /**
   * Starts an episode. `seed` reseeds {@link BaseEnv.npRandom} (Gymnasium semantics);
   * `options` are env-specific (e.g. `low`/`high` bounds of the initial state).
   * @throws RangeError when `seed` is not a non-negative integer
   */
  reset(args: ResetArgs = {}): ResetResult {
    if (args.seed !== undefined) this.rng = new Rng(args.seed);
    this.started = true;
    return { obs: this.resetState(args.options ?? {}), info: {} };
  }

  /**
   * Advances one step.
   * @throws ResetNeededError before the first `reset`
   * @throws InvalidActionError when the action is not in the action space (for envs that check)
   */
  step(action: Action): StepResult {
    if (!this.started) throw new ResetNeededError(this.constructor.name);
    return this.stepState(action);
  }

  /** Releases resources (none for built-in envs). */
  close(): void {}

  /** Marks the env started, for `setState` implementations (stepping is allowed after it). */
  protected markStarted(): void {
    this.started = true;
  }

  /** Throws {@link InvalidActionError} unless the action space contains `action`. */
  protected checkAction(action: unknown): void {
    if (!contains(this.actionSpace, action)) throw new InvalidActionError(this.constructor.name, action, describeSpace(this.actionSpace));
  }

  /** Draws a new initial state from {@link BaseEnv.npRandom} and returns its observation. */
  protected abstract resetState(options: Record<string, unknown>): ResetResult['obs'];

  /** Applies `action` to the state. */
  protected abstract stepState(action: Action): StepResult;
}

/**
 * Gymnasium's `maybe_parse_reset_bounds`: the `low`/`high` reset options, or the defaults.
 * @throws TypeError when an option is not a finite number; RangeError when `low > high`
 */
export function resetBounds(options: Record<string, unknown>, defaultLow: number, defaultHigh: number): [number, number] {
  const pick = (field: 'low' | 'high', dflt: number): number => {
    const v = options[field];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`options.${field} must be a finite number, got ${String(v)}`);
    return v;
  };
  const low = pick('low', defaultLow);
  const high = pick('high', defaultHigh);
  if (low > high) throw new RangeError(`options.low (${low}) must be <= options.high (${high})`);
  return [low, high];
}

/** Checks a numeric state vector passed to an env's `setState`. */
export function checkState(state: ArrayLike<number>, length: number, names: string): number[] {
  if (state === null || typeof state !== 'object' || state.length !== length) {
    throw new TypeError(`state must be an array of ${length} numbers [${names}]`);
  }
  const out = Array.from(state);
  out.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`state[${i}] must be a finite number, got ${String(v)}`);
  });
  return out;
}
