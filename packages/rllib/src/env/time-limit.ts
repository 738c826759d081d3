/**
 * Gymnasium's `TimeLimit` wrapper: counts steps since `reset` and sets `truncated = true`
 * on the step that reaches `maxEpisodeSteps`. `terminated` is passed through untouched, so
 * a step can be both terminated and truncated (then it terminated: do not bootstrap).
 */
import type { Action, Env, ResetResult, StepResult } from './env.js';
import type { ResetArgs } from './base-env.js';
import { ResetNeededError } from './errors.js';

/** An env wrapped in a step limit. `env` is the wrapped env; `unwrapped` the innermost one. */
export class TimeLimit<E extends Env = Env> implements Env {
  /** The wrapped env. */
  readonly env: E;
  /** Steps after which an episode is truncated. */
  readonly maxEpisodeSteps: number;
  private elapsed: number | undefined;

  /** @throws RangeError when `maxEpisodeSteps` is not a positive integer */
  constructor(env: E, maxEpisodeSteps: number) {
    if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RangeError(`maxEpisodeSteps must be a positive integer, got ${String(maxEpisodeSteps)}`);
    }
    this.env = env;
    this.maxEpisodeSteps = maxEpisodeSteps;
  }

  /** Observation space of the wrapped env. */
  get observationSpace(): E['observationSpace'] {
    return this.env.observationSpace;
  }

  /** Action space of the wrapped env. */
  get actionSpace(): E['actionSpace'] {
    return this.env.actionSpace;
  }

  /** Steps taken since the last `reset` (undefined before the first). */
  get elapsedSteps(): number | undefined {
    return this.elapsed;
  }

  /** The innermost env (through nested wrappers), e.g. to call its `setState`. */
  get unwrapped(): Unwrapped<E> {
    const inner = this.env as { unwrapped?: unknown };
    return (inner.unwrapped ?? this.env) as Unwrapped<E>;
  }

  /** Resets the step count and the wrapped env. */
  reset(args?: ResetArgs): ResetResult {
    this.elapsed = 0;
    return this.env.reset(args);
  }

  /**
   * Steps the wrapped env; `truncated` is true once `maxEpisodeSteps` steps were taken.
   * @throws ResetNeededError before the first `reset`
   */
  step(action: Action): StepResult {
    if (this.elapsed === undefined) throw new ResetNeededError(`TimeLimit(${this.env.constructor.name})`);
    const r = this.env.step(action);
    this.elapsed++;
    return this.elapsed >= this.maxEpisodeSteps ? { ...r, truncated: true } : r;
  }

  /** Closes the wrapped env. */
  close(): void {
    this.env.close?.();
  }
}

/** The innermost env type of a (possibly nested) {@link TimeLimit}. */
export type Unwrapped<E> = E extends TimeLimit<infer Inner> ? Unwrapped<Inner> : E;
