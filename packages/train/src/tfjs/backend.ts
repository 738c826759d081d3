/**
 * Backend selection for TensorFlow.js: a registry of named backend loaders (see
 * `backend-loader.ts`) and `useBackend()`, which activates one by name or, with
 * `'auto'`, the best one that loads here (tensorflow, then wasm, then cpu).
 */
import * as tf from '@tensorflow/tfjs';
import { currentSession } from '../session/current.js';
import type { BackendLoadContext, BackendLoader, RegisterBackendLoaderOptions } from './backend-loader.js';
import { BUILTIN_BACKENDS } from './builtin-backends.js';
import { TfjsBackendUnavailableError, TfjsDuplicateBackendError, TfjsUnknownBackendError } from './errors.js';
import type { BackendAttempt } from './errors.js';
import { silenceNodeBanner } from './node-banner.js';

/** A backend preference: `'auto'`, a built-in name, or the name of a registered loader. */
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu' | (string & {});

/** Options of `useBackend`. */
export interface UseBackendOptions {
  /**
   * GPU ids of this worker, handed to the loaders (the `tensorflow` loader tries
   * tfjs-node-gpu with CUDA_VISIBLE_DEVICES set to them when non-empty).
   * @default the current session's `gpuIds` (none outside a training run)
   */
  readonly gpuIds?: readonly number[];
}

function resolveGpuIds(options: UseBackendOptions | undefined): readonly number[] | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { gpuIds } = options;
  if (gpuIds === undefined) return undefined;
  if (!Array.isArray(gpuIds) || !gpuIds.every((id) => Number.isInteger(id) && id >= 0)) {
    throw new TypeError('options.gpuIds must be an array of non-negative integers');
  }
  return Object.freeze([...gpuIds]);
}

interface Registration {
  readonly name: string;
  readonly priority: number;
  readonly order: number;
  readonly loader: BackendLoader;
}

const registry = new Map<string, Registration>();
let registrations = 0;

/**
 * Registers a backend loader under `name`, so `useBackend(name)` (and `'auto'`, by
 * priority) can activate it. Throws `TfjsDuplicateBackendError` if the name is taken,
 * unless `options.override` is true.
 */
export function registerBackendLoader(name: string, loader: BackendLoader, options: RegisterBackendLoaderOptions = {}): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('name must be a non-empty string');
  if (name === 'auto') throw new RangeError("name must not be 'auto' (it is reserved for automatic selection)");
  if (typeof loader !== 'function') throw new TypeError('loader must be a function');
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const priority = options.priority ?? 0;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new TypeError('options.priority must be a finite number');
  }
  if (options.override !== undefined && typeof options.override !== 'boolean') {
    throw new TypeError('options.override must be a boolean');
  }
  const previous = registry.get(name);
  if (previous !== undefined && options.override !== true) throw new TfjsDuplicateBackendError(name);
  registry.set(name, { name, priority, loader, order: previous?.order ?? registrations++ });
}

/** Names of the registered backend loaders, in the order `'auto'` tries them. */
export function registeredBackends(): string[] {
  return ranked().map((r) => r.name);
}

function ranked(): Registration[] {
  return [...registry.values()].sort((a, b) => b.priority - a.priority || a.order - b.order);
}

for (const builtin of BUILTIN_BACKENDS) registerBackendLoader(builtin.name, builtin.loader, { priority: builtin.priority });

function reasonOf(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  if (err !== null && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

async function activate(registration: Registration, context: BackendLoadContext): Promise<string> {
  const tfName = (await registration.loader(context)) || registration.name;
  if (tf.getBackend() === tfName) return tfName;
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') failed to initialize the backend`);
  await tf.ready();
  return tfName;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Activates a TensorFlow.js backend and resolves to the name of the backend in use.
 *
 * `'auto'` (the default) tries the registered loaders by priority: `tensorflow` when
 * `@tensorflow/tfjs-node-gpu` (only if the session gave this worker GPUs; their ids go to
 * CUDA_VISIBLE_DEVICES first) or `@tensorflow/tfjs-node` is installed, else `wasm`, else
 * `cpu`. A named preference is loaded or fails. Also silences tfjs's "install tfjs-node"
 * banner. Calls are serialized, so concurrent callers never race on the global backend.
 *
 * @throws TypeError (synchronously) if `preference` is not a non-empty string or an option is invalid.
 * Rejects with `TfjsUnknownBackendError` if no loader is registered under `preference`, and
 * with `TfjsBackendUnavailableError` if the backend (every backend, for `'auto'`) failed to load.
 */
export function useBackend(preference: BackendPreference = 'auto', options?: UseBackendOptions): Promise<string> {
  if (typeof preference !== 'string' || preference.length === 0) {
    throw new TypeError("preference must be 'auto' or a non-empty backend name");
  }
  const gpuIds = resolveGpuIds(options);
  const run = async (): Promise<string> => {
    let candidates: Registration[];
    if (preference === 'auto') {
      candidates = ranked();
    } else {
      const registration = registry.get(preference);
      if (registration === undefined) throw new TfjsUnknownBackendError(preference, registeredBackends());
      candidates = [registration];
    }
    silenceNodeBanner();
    const context: BackendLoadContext = { gpuIds: gpuIds ?? Object.freeze([...(currentSession()?.gpuIds ?? [])]) };
    const attempts: BackendAttempt[] = [];
    let lastError: unknown;
    for (const candidate of candidates) {
      try {
        return await activate(candidate, context);
      } catch (err) {
        attempts.push({ backend: candidate.name, reason: reasonOf(err) });
        lastError = err;
      }
    }
    throw new TfjsBackendUnavailableError(preference, attempts, lastError);
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
