/**
 * The value serializer used for every task argument, return value and `put`.
 *
 * A value becomes a *meta* (msgpack, with ray-ts extension types for undefined, Map,
 * Set, Date, BigInt, RegExp, Errors, typed arrays, registered classes) plus
 * *out-of-band buffers*: binary payloads of at least {@link OUT_OF_BAND_THRESHOLD}
 * bytes and Arrow IPC streams, kept as views of the caller's memory until
 * {@link writeTo} copies them into a contiguous layout (see `layout.ts`). Decoding a
 * layout that lives in shared memory returns TypedArrays, Buffers and Arrow columns
 * that are views into it, without copying.
 *
 * @example
 * ```ts
 * const enc = encode({ weights: new Float64Array(1 << 20), step: 3 });
 * const shm = new Uint8Array(enc.size);          // e.g. a shared-memory mapping
 * writeTo(enc, shm);
 * const value = deserialize(shm) as { weights: Float64Array }; // weights views shm
 * ```
 *
 * @module
 */
import { SerializationError } from '../errors.js';
import { decodeValue } from './decoder.js';
import { MetaReader } from './meta-reader.js';
import { finishError } from './encode-failure.js';
import { type EncodeState, encodeValue, newEncodeState } from './encoder.js';
import { HEADER_BYTES } from './format.js';
import { type CopyFn, corrupt, layoutSize, readLayout, writeHeader, writeLayout } from './layout.js';

export { preloadArrow, registerArrowModule, type ArrowModule } from './arrow.js';
export {
  type AnyClass,
  type EncodeContext,
  type Extension,
  type UserSerializer,
  registerExtension,
  registerSerializer,
} from './extensions.js';
export { BIG_COPY_THRESHOLD, BUFFER_ALIGNMENT, MAX_DEPTH, OUT_OF_BAND_THRESHOLD } from './format.js';
export type { CopyFn } from './layout.js';

/** A value encoded but not yet laid out: what {@link writeTo} needs, and what the runtime needs to know about it. */
export interface Encoded {
  /** msgpack of the value, with large binaries replaced by out-of-band indices. */
  meta: Uint8Array;
  /** Out-of-band payloads: views of the caller's memory, not copied yet (do not mutate the value before {@link writeTo}). */
  buffers: Uint8Array[];
  /** Ids of the ObjectRefs inside the value, as reported by extensions (in encounter order, may repeat). */
  containedRefs: string[];
  /** Bytes of the contiguous layout written by {@link writeTo}. */
  size: number;
}

/** Reused for the outermost encode; a nested call (a user serializer that serializes) gets its own. */
let spare: EncodeState | null = newEncodeState();

function acquire(): EncodeState {
  const st = spare;
  if (st === null) return newEncodeState(256);
  spare = null;
  return st;
}

function release(st: EncodeState): void {
  st.w.reset();
  st.buffers = null;
  st.refs = null;
  st.ctx = null;
  st.depth = 0;
  spare ??= st;
}

function run(st: EncodeState, value: unknown): void {
  try {
    encodeValue(st, value);
  } catch (e) {
    throw finishError(e);
  }
}

/**
 * Encodes a value into meta plus out-of-band buffers.
 *
 * @throws SerializationError naming the place in the value that cannot be serialized
 * (functions, symbols, instances of unregistered classes, values nested deeper than
 * {@link MAX_DEPTH}, which usually means a cycle).
 */
export function encode(value: unknown): Encoded {
  const st = acquire();
  try {
    run(st, value);
    const meta = st.w.buf.slice(0, st.w.pos);
    const buffers = st.buffers ?? [];
    return { meta, buffers, containedRefs: st.refs ?? [], size: layoutSize(meta.byteLength, buffers) };
  } finally {
    release(st);
  }
}

/**
 * Writes the contiguous layout of `enc` (header, buffer table, meta, then each buffer
 * at a multiple of 64 bytes) into `target`, which must have at least `enc.size` bytes.
 * `copy`, when given, copies the big buffers (e.g. a native multi-threaded memcpy).
 *
 * @throws RangeError when `target` is too small.
 */
export function writeTo(enc: Encoded, target: Uint8Array, copy?: CopyFn): void {
  writeLayout(target, enc.meta, enc.buffers, copy);
}

function allocate(size: number): Uint8Array {
  // Every byte of a layout is written, so big outputs can skip zero-filling.
  return size < 4096 ? new Uint8Array(size) : new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
}

/**
 * {@link encode} + {@link writeTo} into a fresh Uint8Array, for small values sent inline
 * in messages. Use {@link encode} when you need the contained ObjectRef ids.
 *
 * @throws SerializationError as {@link encode} does.
 */
export function serialize(value: unknown): Uint8Array {
  const st = acquire();
  try {
    run(st, value);
    const { buf, pos } = st.w;
    if (st.buffers === null) {
      const out = new Uint8Array(HEADER_BYTES + pos);
      writeHeader(out, pos, 0);
      if (pos < 64) for (let i = 0; i < pos; i++) out[HEADER_BYTES + i] = buf[i]!;
      else out.set(buf.subarray(0, pos), HEADER_BYTES);
      return out;
    }
    const out = allocate(layoutSize(pos, st.buffers));
    writeLayout(out, buf.subarray(0, pos), st.buffers);
    return out;
  } finally {
    release(st);
  }
}

/**
 * Decodes a layout written by {@link serialize} or {@link writeTo}. Out-of-band
 * TypedArrays, Buffers, DataViews and Arrow columns are views into `bytes` (zero-copy)
 * when their alignment allows, else copies; ArrayBuffers are always copies. Keep
 * `bytes` alive and unchanged while the result is in use.
 *
 * @throws SerializationError when `bytes` is not a valid layout (garbage, truncated,
 * other version), or holds a class this process has not registered.
 */
export function deserialize(bytes: Uint8Array): unknown {
  const layout = readLayout(bytes);
  const r = new MetaReader(bytes, layout.metaStart, layout.metaEnd, layout.buffers);
  let value: unknown;
  try {
    value = decodeValue(r);
  } catch (e) {
    if (e instanceof SerializationError) throw e;
    throw new SerializationError(`Cannot deserialize: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (r.pos !== layout.metaEnd) throw corrupt(`${layout.metaEnd - r.pos} unexpected bytes follow the value`);
  return value;
}
