/**
 * Encoder failures: each is a {@link SerializationError} that collects the path to the
 * offending part of the value while it propagates (`value.points[3].owner`), so the
 * message says where the problem is and what to do about it.
 *
 * @module
 */
import { SerializationError } from '../errors.js';

const paths = new WeakMap<object, string[]>();

/** True for failures created by {@link fail} (their message is a reason, not yet a full sentence). */
export function isEncodeFailure(e: unknown): e is SerializationError {
  return typeof e === 'object' && e !== null && paths.has(e);
}

/** Creates a failure at the current position; {@link at} adds path segments as it propagates. */
export function fail(reason: string, cause?: unknown): SerializationError {
  const err = new SerializationError(reason, cause === undefined ? undefined : { cause });
  paths.set(err, []);
  return err;
}

/** `Name: message` of an error, or the string form of any other thrown value. */
export function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Records that the failure `e` happened under `segment`; wraps errors that did not come from the encoder. */
export function at(e: unknown, segment: string): unknown {
  let path = typeof e === 'object' && e !== null ? paths.get(e) : undefined;
  if (path === undefined) {
    e = fail(`reading it threw ${describe(e)}`, e);
    path = paths.get(e as object)!;
  }
  path.push(segment);
  return e;
}

/** Turns an encoder failure into the error callers see: `Cannot serialize value.a[2]: <reason>`. */
export function finishError(e: unknown): SerializationError {
  const path = typeof e === 'object' && e !== null ? paths.get(e) : undefined;
  if (path === undefined) return new SerializationError(`Cannot serialize value: ${describe(e)}`, { cause: e });
  const err = e as SerializationError;
  return new SerializationError(`Cannot serialize value${path.reverse().join('')}: ${err.message}`, { cause: err.cause });
}

const identifier = /^[A-Za-z_$][\w$]*$/;
/** Path segment of an object key: `.name`, or `["odd key"]`. */
export function keySegment(key: string): string {
  return identifier.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The failure for an instance of a class the serializer does not know, telling how to register it. */
export function unknownClass(v: object): SerializationError {
  const ctor = (v as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : Object.prototype.toString.call(v).slice(8, -1);
  if (typeof (v as { then?: unknown }).then === 'function') {
    return fail(`a ${name} cannot be serialized; await it and pass the result (or pass an ObjectRef)`);
  }
  return fail(
    `instances of class ${name} cannot be serialized: it is not plain data and has no registered serializer. ` +
      `Call registerSerializer(${name}, { name: '${name}', serialize: (v) => data, deserialize: (data) => new ${name}(...) }) ` +
      `at the top level of the module that defines ${name}, so every process that imports it registers it too`,
  );
}
