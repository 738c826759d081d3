/**
 * Typed errors of the TensorFlow.js integration. Each extends core's `RayError`, has a
 * stable `code`, typed readonly fields and a message that says what to do next. The
 * classes are registered with core, so an error raised in a train worker keeps its class
 * (and `instanceof`) in the driver.
 */
import { RayError, registerErrorClass } from '@ray-ts/core';

/** Root of the errors raised by the TensorFlow.js integration. */
export class TfjsError extends RayError {
  override readonly code: string = 'TFJS_ERROR';
}

/** `useBackend()` was asked for a backend name that no loader is registered for. */
export class TfjsUnknownBackendError extends TfjsError {
  override readonly code = 'TFJS_UNKNOWN_BACKEND';
  /** The backend that was asked for. */
  readonly backend: string;
  /** The backends that are registered. */
  readonly registered: readonly string[];
  constructor(backend: string, registered: readonly string[]) {
    super(
      `No TensorFlow.js backend named '${backend}' is registered (registered: ${registered.join(', ')}). ` +
        `Use 'auto' or one of those, or call registerBackendLoader('${backend}', loader) first.`,
    );
    this.backend = backend;
    this.registered = [...registered];
  }
}

/** One failed attempt to load a backend: which one and why. */
export interface BackendAttempt {
  /** The backend that was tried. */
  readonly backend: string;
  /** Why it could not be used. */
  readonly reason: string;
}

/** A registered backend could not be loaded or initialized (its package is missing, or its init failed). */
export class TfjsBackendUnavailableError extends TfjsError {
  override readonly code = 'TFJS_BACKEND_UNAVAILABLE';
  /** The preference that was asked for (`'auto'` or a backend name). */
  readonly backend: string;
  /** Every backend tried, in order, with the reason it failed. */
  readonly attempts: readonly BackendAttempt[];
  constructor(backend: string, attempts: readonly BackendAttempt[], cause?: unknown) {
    const detail = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
    super(
      `TensorFlow.js backend '${backend}' is unavailable (${detail}). Install the backend's package ` +
        `(e.g. @tensorflow/tfjs-node) in the train package, or ask for 'auto' to fall back to wasm or cpu.`,
      { cause },
    );
    this.backend = backend;
    this.attempts = attempts.map((a) => ({ ...a }));
  }
}

/** `registerBackendLoader()` was called twice for the same name (registries reject duplicates). */
export class TfjsDuplicateBackendError extends TfjsError {
  override readonly code = 'TFJS_DUPLICATE_BACKEND';
  /** The name that is already registered. */
  readonly backend: string;
  constructor(backend: string) {
    super(`A backend loader named '${backend}' is already registered; pick another name or pass { override: true }.`);
    this.backend = backend;
  }
}

/** Workers disagreed in a collective (different buffer lengths, ranks or source ranks). */
export class TfjsCollectiveMismatchError extends TfjsError {
  override readonly code = 'TFJS_COLLECTIVE_MISMATCH';
  /** The collective that failed, e.g. `allreduce`. */
  readonly operation: string;
  constructor(operation: string, detail: string) {
    super(
      `${operation} failed: ${detail}. Every worker must build the same model (same layers in the same ` +
        'order) and call the same collectives in the same order.',
    );
    this.operation = operation;
  }
}

/** A gradient or weight has a dtype that cannot be averaged as float32. */
export class TfjsUnsupportedDtypeError extends TfjsError {
  override readonly code = 'TFJS_UNSUPPORTED_DTYPE';
  /** The variable (or weight) whose tensor has the dtype. */
  readonly variableName: string;
  /** The dtype found. */
  readonly dtype: string;
  constructor(variableName: string, dtype: string) {
    super(
      `Variable '${variableName}' has dtype ${dtype}; only float32 tensors can be synchronized across workers. ` +
        'Make the variable non-trainable or cast it to float32.',
    );
    this.variableName = variableName;
    this.dtype = dtype;
  }
}

/** Saving or loading a model (or its optimizer state) to a directory failed. */
export class TfjsModelIoError extends TfjsError {
  override readonly code = 'TFJS_MODEL_IO';
  /** The file or directory involved. */
  readonly path: string;
  constructor(path: string, detail: string, cause?: unknown) {
    super(`${detail} (${path}). Check that the directory was written by saveModelToDirectory and is complete.`, {
      cause,
    });
    this.path = path;
  }
}

for (const cls of [
  TfjsError,
  TfjsUnknownBackendError,
  TfjsBackendUnavailableError,
  TfjsDuplicateBackendError,
  TfjsCollectiveMismatchError,
  TfjsUnsupportedDtypeError,
  TfjsModelIoError,
]) {
  registerErrorClass(cls);
}
