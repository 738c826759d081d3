/**
 * Typed errors of RLlib. Each extends core's `RayError`, has a stable `code` and a
 * message that says what to do next; the classes are registered with core so they keep
 * their class when they cross processes (an env runner's error reaches the driver as is).
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of RLlib's errors. */
export class RLlibError extends RayError {
  override readonly code: string = 'RLLIB_ERROR';
}

/** An env runner failed more often than `envRunners.maxEnvRunnerRestarts` allows. */
export class EnvRunnerFailedError extends RLlibError {
  override readonly code = 'RLLIB_ENV_RUNNER_FAILED';
  /** Index of the runner (1-based for actors, 0 for the local runner). */
  readonly runnerIndex: number;
  /** Restarts done so far for this algorithm. */
  readonly restarts: number;
  constructor(runnerIndex: number, restarts: number, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `Env runner ${runnerIndex} failed after ${restarts} restart(s): ${inner}. ` +
        'Fix the env (its reset/step threw), or raise envRunners({ maxEnvRunnerRestarts }).',
      { cause },
    );
    this.runnerIndex = runnerIndex;
    this.restarts = restarts;
  }
}

/** A checkpoint directory is missing, incomplete, or was written by another algorithm. */
export class CheckpointError extends RLlibError {
  override readonly code = 'RLLIB_CHECKPOINT';
  /** The checkpoint directory. */
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(`Cannot restore an algorithm from ${path}: ${detail}. Pass a directory written by algo.save().`, options);
    this.path = path;
  }
}

/** The algorithm cannot handle the env's observation or action space. */
export class UnsupportedSpaceError extends RLlibError {
  override readonly code = 'RLLIB_UNSUPPORTED_SPACE';
  /** The algorithm's name. */
  readonly algorithm: string;
  /** Which space: 'observation' or 'action'. */
  readonly which: 'observation' | 'action';
  constructor(algorithm: string, which: 'observation' | 'action', detail: string) {
    super(`${algorithm} does not support this ${which} space: ${detail}. Wrap the env so its spaces fit, or pick another algorithm.`);
    this.algorithm = algorithm;
    this.which = which;
  }
}

/** The algorithm was used after `stop()`, or before its model exists. */
export class AlgorithmStateError extends RLlibError {
  override readonly code = 'RLLIB_ALGORITHM_STATE';
}

for (const cls of [RLlibError, EnvRunnerFailedError, CheckpointError, UnsupportedSpaceError, AlgorithmStateError]) registerErrorClass(cls);
