/**
 * Wire-format constants of the ray-ts value serializer: layout header fields, the
 * msgpack extension type codes used for non-JSON values, and the binary kinds of
 * TypedArrays, Buffers and Arrow data. Changing any value here changes the format:
 * bump {@link FORMAT_VERSION} when you do.
 *
 * @module
 */

/** First four bytes of every layout: ASCII `RAYS`, read as a little-endian u32. */
export const LAYOUT_MAGIC = 0x53594152;

/** Version byte of the layout and meta encoding; decoders reject any other version. */
export const FORMAT_VERSION = 1;

/** Bytes of the fixed layout header: magic u32, version u8, flags u8, reserved u16, meta length u32, buffer count u32. */
export const HEADER_BYTES = 16;

/** Bytes of one entry of the buffer table: offset u64 and length u64 (each as two little-endian u32). */
export const TABLE_ENTRY_BYTES = 16;

/** Out-of-band buffers start at a multiple of this many bytes from the start of the layout. */
export const BUFFER_ALIGNMENT = 64;

/** Binary payloads (TypedArray, Buffer, DataView, ArrayBuffer) of at least this many bytes go out of band; smaller ones are inlined in the meta. */
export const OUT_OF_BAND_THRESHOLD = 1024;

/** `writeTo` hands out-of-band buffers of at least this many bytes to its `copy` callback (e.g. a multi-threaded memcpy); smaller ones use `TypedArray.set`. */
export const BIG_COPY_THRESHOLD = 256 * 1024;

/** Containers nested deeper than this are rejected (ray-ts serializes trees; a deeper value is most likely circular). */
export const MAX_DEPTH = 1000;

/** msgpack extension type codes used in the meta. */
export const Tag = {
  /** `undefined` (fixext1, data byte 0). */
  UNDEFINED: 0,
  /** A hole of a sparse array (fixext1, data byte 0); only meaningful as an array element. */
  HOLE: 1,
  /** `Date` (fixext8: float64 milliseconds, NaN for an invalid date). */
  DATE: 2,
  /** BigInt beyond 64 bits (ASCII hex digits with an optional leading `-`). */
  BIGINT: 3,
  /** `Map` (nested: a msgpack map whose keys may be any value). */
  MAP: 4,
  /** `Set` (nested: a msgpack array). */
  SET: 5,
  /** Object with a null prototype (nested: a msgpack map with string keys). */
  NULL_PROTO: 6,
  /** `RegExp` (nested: `[source, flags]`). */
  REGEXP: 7,
  /** An Error (nested: the `ErrorData` map of `../errors.ts`). */
  ERROR: 8,
  /** Inline binary: one kind byte followed by the raw bytes. */
  BINARY: 9,
  /** Out-of-band binary: one kind byte, a big-endian u32 buffer index and, for Arrow kinds, a u32 digest of the stream's metadata. */
  OUT_OF_BAND: 10,
  /** A runtime extension (nested: `[tag, data]`), see `registerExtension`. */
  EXTENSION: 11,
  /** A user class (nested: `[name, data]`), see `registerSerializer`. */
  USER: 12,
} as const;

/** Kind byte of a binary payload: which class to rebuild around the bytes. */
export const BinKind = {
  ARRAY_BUFFER: 0,
  BUFFER: 1,
  DATA_VIEW: 2,
  INT8: 3,
  UINT8: 4,
  UINT8_CLAMPED: 5,
  INT16: 6,
  UINT16: 7,
  INT32: 8,
  UINT32: 9,
  FLOAT32: 10,
  FLOAT64: 11,
  BIGINT64: 12,
  BIGUINT64: 13,
  FLOAT16: 14,
  /** apache-arrow `Table` as an IPC stream (always out of band). */
  ARROW_TABLE: 32,
  /** apache-arrow `RecordBatch` as an IPC stream of one batch (always out of band). */
  ARROW_BATCH: 33,
} as const;

/** Rounds `n` up to the next multiple of {@link BUFFER_ALIGNMENT}. */
export function alignUp(n: number): number {
  return Math.ceil(n / BUFFER_ALIGNMENT) * BUFFER_ALIGNMENT;
}
