/**
 * The env runner as an actor: {@link EnvRunner} made remote at the top level of this
 * module, so worker processes that import it define the same actor class.
 */
import * as ray from '@ray-ts/core';
import { EnvRunner } from './env-runner.js';

/** Remote {@link EnvRunner}: `EnvRunnerActor.options({ numCpus }).remote(spec)`. */
export const EnvRunnerActor = ray.remote(EnvRunner);

/** Handle to an env runner actor. */
export type EnvRunnerHandle = ray.ActorHandle<EnvRunner>;
