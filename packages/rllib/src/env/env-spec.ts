/**
 * Plain-data descriptions of envs, to send to env runners in other processes: a registered
 * id (with the module that registered it, so the runner can import it), or a reference to
 * an exported class/factory found with core's `findExport` and loaded with `loadExport`.
 */
import { fileURLToPath } from 'node:url';
import { callerModule, findExport, importModule, loadExport, type ExportRef } from '@ray-ts/core';
import type { Env } from './env.js';
import { EnvNotFoundError, EnvSpecError } from './errors.js';
import { envRegistration, findRegistration, makeEnv, registeredEnvIds, type EnvClass, type EnvTarget } from './registry.js';
import type { EnvCreator } from './env.js';

/** An env made by registered id. */
export interface RegisteredEnvSpec {
  readonly kind: 'registered';
  /** The registered id. */
  readonly id: string;
  /** Module that registers the id (imported by a process that does not know it), if not built in. */
  readonly module?: string;
  /** Step limit override (`null`: none; absent: the registration's). */
  readonly maxEpisodeSteps?: number | null;
}

/** An env made from an exported class or factory. */
export interface ExportedEnvSpec {
  readonly kind: 'export';
  /** Where to import the class or factory from. */
  readonly ref: ExportRef;
  /** Step limit (`null` or absent: none). */
  readonly maxEpisodeSteps?: number | null;
}

/** Plain data an env runner turns back into an env with {@link makeEnvFromSpec}. */
export type EnvSpec = RegisteredEnvSpec | ExportedEnvSpec;

/** Options of {@link envSpec}. */
export interface EnvSpecOptions {
  /**
   * Step limit to apply where the env is made (see `MakeEnvOptions.maxEpisodeSteps`).
   * @default undefined (the registration's limit; none for a class or factory)
   */
  readonly maxEpisodeSteps?: number | null;
  /**
   * URL of the module that passed the class or factory (where its export is looked for).
   * @default the first module on the call stack outside the rllib package
   */
  readonly callerUrl?: string;
}

const rllibSrcDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Describes an env as plain data for another process, so that `makeEnvFromSpec(spec, config)`
 * there makes what `makeEnv(target, config, { maxEpisodeSteps })` makes here. An id must be
 * registered here; a class or factory that is registered travels as its id (without the
 * registration's step limit, like `makeEnv(cls)`); any other class or factory must be an
 * export of the calling module (or of a module it imports by relative path).
 * @throws EnvNotFoundError for an unknown id
 * @throws EnvSpecError when a class or factory is not an export that can be found
 */
export async function envSpec(target: EnvTarget, options: EnvSpecOptions = {}): Promise<EnvSpec> {
  const callerUrl = options.callerUrl ?? callerModule([rllibSrcDir]); // before any await
  const limit = options.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: options.maxEpisodeSteps };
  if (typeof target === 'string') {
    const reg = envRegistration(target);
    if (!reg) throw new EnvNotFoundError(target, registeredEnvIds());
    return Object.freeze({ kind: 'registered', id: target, ...(reg.module ? { module: reg.module } : {}), ...limit });
  }
  if (typeof target !== 'function') throw new TypeError('env must be a registered id, an env class or a creator function');
  // A registered class/creator travels by id, but keeps makeEnv(target)'s meaning: no
  // registration time limit unless one is asked for.
  const reg = findRegistration(target);
  if (reg) {
    return Object.freeze({ kind: 'registered', id: reg.id, ...(reg.module ? { module: reg.module } : {}), maxEpisodeSteps: options.maxEpisodeSteps ?? null });
  }
  try {
    const ref = await findExport(target, callerUrl.startsWith('file:') ? callerUrl : undefined);
    return Object.freeze({ kind: 'export', ref, ...limit });
  } catch (err) {
    throw new EnvSpecError(
      target.name || '<anonymous>',
      `cannot be sent to env runners: ${(err as Error)?.message ?? err} Or register it with registerEnv(id, ...) at the top level of a module and pass the id.`,
      { cause: err },
    );
  }
}

/**
 * Makes an env from an {@link EnvSpec} (in an env runner). For an id this process does not
 * know, the registering module is imported first.
 * @throws EnvNotFoundError when the id is still unknown
 * @throws EnvSpecError when the registering module or the export cannot be loaded
 */
export async function makeEnvFromSpec(spec: EnvSpec, config: Record<string, unknown> = {}): Promise<Env> {
  const opts = spec.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: spec.maxEpisodeSteps };
  if (spec.kind === 'registered') {
    if (!envRegistration(spec.id) && spec.module) {
      try {
        await importModule(spec.module);
      } catch (err) {
        throw new EnvSpecError(spec.id, `could not be registered: importing ${spec.module} failed: ${(err as Error)?.message ?? err}`, { cause: err });
      }
    }
    return makeEnv(spec.id, config, opts);
  }
  if (spec.kind !== 'export') throw new TypeError(`spec.kind must be 'registered' or 'export', got ${String((spec as { kind?: unknown }).kind)}`);
  let target: unknown;
  try {
    target = await loadExport(spec.ref);
  } catch (err) {
    throw new EnvSpecError(spec.ref.name, `could not be loaded: ${(err as Error)?.message ?? err}`, { cause: err });
  }
  if (typeof target !== 'function') throw new EnvSpecError(spec.ref.name, `is exported as ${typeof target}, not an env class or creator function.`);
  return makeEnv(target as EnvClass | EnvCreator, config, { maxEpisodeSteps: spec.maxEpisodeSteps ?? null });
}
