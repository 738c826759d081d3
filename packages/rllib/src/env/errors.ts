/**
 * Typed errors of the env layer. Each extends core's `RayError`, has a stable `code` and
 * typed fields, and is registered with core so that it keeps its class when it crosses
 * processes (an env runner actor that fails to build an env throws one of these).
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** No env is registered under the id (and it is not a built-in). */
export class EnvNotFoundError extends RayError {
  override readonly code = 'ENV_NOT_FOUND';
  /** The id asked for. */
  readonly envId: string;
  /** The ids that are known in this process. */
  readonly knownIds: readonly string[];
  constructor(envId: string, knownIds: readonly string[]) {
    super(
      `No env registered as '${envId}'. Known ids: ${knownIds.join(', ') || '(none)'}. ` +
        'Call registerEnv(name, creator) at the top level of a module the env runners import, or pass the exported env class or factory itself.',
    );
    this.envId = envId;
    this.knownIds = [...knownIds];
  }
}

/** `registerEnv` was called with an id that is already taken. */
export class EnvAlreadyRegisteredError extends RayError {
  override readonly code = 'ENV_ALREADY_REGISTERED';
  /** The id that is taken. */
  readonly envId: string;
  constructor(envId: string) {
    super(`An env is already registered as '${envId}'. Pick another name, or pass { override: true } to replace it.`);
    this.envId = envId;
  }
}

/** `step` was called before the first `reset` (Gymnasium's `ResetNeeded`). */
export class ResetNeededError extends RayError {
  override readonly code = 'ENV_RESET_NEEDED';
  /** The env (class or id) that was stepped. */
  readonly envName: string;
  constructor(envName: string) {
    super(`Cannot call ${envName}.step() before calling reset(). Call reset() to start an episode first.`);
    this.envName = envName;
  }
}

/** An action is not in the env's action space. */
export class InvalidActionError extends RayError {
  override readonly code = 'ENV_INVALID_ACTION';
  /** The env (class or id) that was stepped. */
  readonly envName: string;
  /** The action, as text. */
  readonly action: string;
  /** The action space, as text. */
  readonly space: string;
  constructor(envName: string, action: unknown, space: string) {
    const shown = ArrayBuffer.isView(action) ? `[${Array.from(action as Float32Array).join(', ')}]` : String(action);
    super(`${envName}.step() got action ${shown}, which is not in the action space ${space}. Pass an action the space contains.`);
    this.envName = envName;
    this.action = shown;
    this.space = space;
  }
}

/** An env cannot be described as plain data for other processes, or a spec cannot be turned back into an env. */
export class EnvSpecError extends RayError {
  override readonly code = 'ENV_SPEC';
  /** The env (class, function or id) concerned. */
  readonly envName: string;
  constructor(envName: string, detail: string, options?: { cause?: unknown }) {
    super(`Env '${envName}' ${detail}`, options);
    this.envName = envName;
  }
}

for (const cls of [EnvNotFoundError, EnvAlreadyRegisteredError, ResetNeededError, InvalidActionError, EnvSpecError]) {
  registerErrorClass(cls as unknown as new (...args: never[]) => Error);
}
