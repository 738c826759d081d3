/**
 * The shape of a pluggable TensorFlow.js backend, in the manner of onnxruntime-js's
 * backend registration: a backend is a named loader with a priority, so adding one is a
 * registration (`registerBackendLoader`), not a new branch in `useBackend`.
 */

/** What a loader may need to know about the worker it runs in. */
export interface BackendLoadContext {
  /** GPU ids the session assigned to this worker; empty on CPU workers or outside a training run. */
  readonly gpuIds: readonly number[];
}

/**
 * Makes a backend available to tfjs, usually by importing the package that calls
 * `tf.registerBackend`. Rejects when the backend cannot be used here (package missing,
 * native library missing). Resolves to the tfjs backend name to activate, or to nothing
 * when that name is the registration name.
 */
export type BackendLoader = (context: BackendLoadContext) => Promise<string | void>;

/** Options of `registerBackendLoader`. */
export interface RegisterBackendLoaderOptions {
  /**
   * Rank of the backend in `useBackend('auto')`; higher is tried first. The built-ins are
   * `tensorflow` 300, `wasm` 200, `cpu` 100 (cpu always loads, so a lower rank is only
   * reached by asking for the backend by name).
   * @default 0
   */
  readonly priority?: number;
  /**
   * Replace a loader already registered under the same name instead of throwing
   * `TfjsDuplicateBackendError`.
   * @default false
   */
  readonly override?: boolean;
}
