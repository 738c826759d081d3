/**
 * Errors as plain data for the serializer, on top of `ErrorData`/`reviveError` from
 * `../errors.ts` so that an error comes back as the same (registered or built-in)
 * class with its message, stack, code, cause and own fields.
 *
 * @module
 */
import { type ErrorData, SerializationError, reviveError } from '../errors.js';

/** Longest cause chain carried; deeper causes are cut (they are almost always a cycle). */
const MAX_CAUSE_CHAIN = 32;

/**
 * Same result as `errorToData` in `../errors.ts`, but safe for cyclic cause chains
 * (`e.cause = e`), which would make `errorToData` recurse until the stack overflows;
 * a repeated or too-deep cause becomes a short string.
 */
export function toErrorData(err: Error, seen: Set<Error> = new Set()): ErrorData {
  seen.add(err);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(err)) {
    if (key === 'cause' || key === 'stack' || key === 'message' || key === 'name') continue;
    props[key] = (err as unknown as Record<string, unknown>)[key];
  }
  const code = (err as { code?: unknown }).code;
  let cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    cause = seen.has(cause) || seen.size >= MAX_CAUSE_CHAIN ? `[circular cause: ${cause.name}: ${cause.message}]` : toErrorData(cause, seen);
  }
  return {
    name: String(err.name),
    message: String(err.message),
    stack: typeof err.stack === 'string' ? err.stack : undefined,
    code: typeof code === 'string' ? code : undefined,
    cause,
    props,
  };
}

/** True for the plain-data form of an error produced by {@link toErrorData}. */
export function isErrorData(v: unknown): v is ErrorData {
  return typeof v === 'object' && v !== null && typeof (v as ErrorData).name === 'string' && typeof (v as ErrorData).message === 'string';
}

/**
 * Rebuilds an error from decoded data.
 *
 * @throws SerializationError when the data is not error-shaped.
 */
export function errorFromData(data: unknown): Error {
  if (!isErrorData(data)) throw new SerializationError('Cannot deserialize: an error entry lacks a string name and message; the data is corrupt.');
  const props = (data as { props?: unknown }).props;
  if (props !== undefined && (typeof props !== 'object' || props === null)) {
    throw new SerializationError('Cannot deserialize: the fields of an error entry are not an object; the data is corrupt.');
  }
  return reviveError(data);
}
