/**
 * The one place the env runners meet the env layer: what the user passed to
 * `.environment()` (a registered id, an Env class, or a creator) becomes an `EnvSpec`
 * (plain data another process rebuilds the env from, via the env registry).
 */
import type { Env } from '../env/env.js';
import { envSpec, makeEnvFromSpec, type EnvSpec } from '../env/env-spec.js';
import { makeEnv, type EnvTarget } from '../env/registry.js';

/** What `.environment()` accepts: a registered env id, an Env class, or a creator function. */
export type EnvSource = EnvTarget;

/** Plain data to rebuild an env in any process. */
export type EnvRecipe = EnvSpec;

/** Makes the recipe of `source` (an exported class or creator is found by reference in `callerUrl`'s module). */
export function envRecipe(source: EnvSource, callerUrl: string | undefined): Promise<EnvRecipe> {
  return envSpec(source, callerUrl === undefined ? {} : { callerUrl });
}

/** Builds an env from `source` (or its recipe) in this process. */
export async function makeEnvFrom(source: EnvSource | EnvRecipe, config: Record<string, unknown>): Promise<Env> {
  if (typeof source === 'object') return makeEnvFromSpec(source, config);
  return makeEnv(source, config);
}
