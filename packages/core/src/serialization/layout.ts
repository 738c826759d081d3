/**
 * The contiguous layout of a serialized value, as stored in the object store or sent
 * inline in a message:
 *
 * ```
 * 0   magic 'RAYS' (u32 LE)   4 version (u8)   5 flags (u8, 0)   6 reserved (u16, 0)
 * 8   meta length (u32 LE)    12 buffer count n (u32 LE)
 * 16  n × { offset u64 LE, length u64 LE }   (offsets from the start of the layout)
 * ..  meta (msgpack)
 * ..  buffer 0 at a multiple of 64, buffer 1 at the next multiple of 64, ...
 * ```
 *
 * Gaps are zero-filled. When the layout lives in a 64-byte-aligned shared-memory
 * mapping, every out-of-band buffer is 64-byte aligned too, so decoders can return
 * TypedArray views into it without copying.
 *
 * @module
 */
import { SerializationError } from '../errors.js';
import { BIG_COPY_THRESHOLD, FORMAT_VERSION, HEADER_BYTES, LAYOUT_MAGIC, TABLE_ENTRY_BYTES, alignUp } from './format.js';

/** Copies `src` into `dst` (same length); e.g. a native multi-threaded memcpy. */
export type CopyFn = (dst: Uint8Array, src: Uint8Array) => void;

/** Where the parts of a layout are, as found by {@link readLayout}. */
export interface ParsedLayout {
  /** Offset of the first meta byte in the input. */
  metaStart: number;
  /** Offset one past the last meta byte. */
  metaEnd: number;
  /** The out-of-band buffers, as views (subarrays) of the input. */
  buffers: Uint8Array[];
}

/** Builds the error thrown for every malformed input, naming what was wrong. */
export function corrupt(reason: string): SerializationError {
  return new SerializationError(
    `Cannot deserialize: ${reason}. The bytes must be a layout written by serialize()/writeTo() ` +
      'of the same ray-ts version; they may have been truncated or overwritten.',
  );
}

/** Bytes needed for a layout with `metaLength` bytes of meta and these out-of-band buffers. */
export function layoutSize(metaLength: number, buffers: readonly Uint8Array[]): number {
  let end = HEADER_BYTES + buffers.length * TABLE_ENTRY_BYTES + metaLength;
  for (let i = 0; i < buffers.length; i++) end = alignUp(end) + buffers[i]!.byteLength;
  return end;
}

function putU32(t: Uint8Array, at: number, v: number): void {
  t[at] = v & 0xff;
  t[at + 1] = (v >>> 8) & 0xff;
  t[at + 2] = (v >>> 16) & 0xff;
  t[at + 3] = (v >>> 24) & 0xff;
}

function getU32(t: Uint8Array, at: number): number {
  return (t[at]! | (t[at + 1]! << 8) | (t[at + 2]! << 16)) + t[at + 3]! * 0x1000000;
}

function putU64(t: Uint8Array, at: number, v: number): void {
  putU32(t, at, v % 0x100000000);
  putU32(t, at + 4, Math.floor(v / 0x100000000));
}

function getU64(t: Uint8Array, at: number): number {
  return getU32(t, at) + getU32(t, at + 4) * 0x100000000;
}

/** Writes the fixed 16-byte header at the start of `target`. */
export function writeHeader(target: Uint8Array, metaLength: number, bufferCount: number): void {
  putU32(target, 0, LAYOUT_MAGIC);
  target[4] = FORMAT_VERSION;
  target[5] = 0;
  target[6] = 0;
  target[7] = 0;
  putU32(target, 8, metaLength);
  putU32(target, 12, bufferCount);
}

/**
 * Writes a whole layout (header, buffer table, meta, aligned buffers) into `target`.
 * Buffers of at least {@link BIG_COPY_THRESHOLD} bytes are copied with `copy` when given.
 *
 * @throws RangeError when `target` is smaller than {@link layoutSize}.
 */
export function writeLayout(target: Uint8Array, meta: Uint8Array, buffers: readonly Uint8Array[], copy?: CopyFn): void {
  const size = layoutSize(meta.byteLength, buffers);
  if (target.length < size) {
    throw new RangeError(`target.length (${target.length}) is smaller than the layout size (${size}); allocate enc.size bytes`);
  }
  writeHeader(target, meta.byteLength, buffers.length);
  let pos = HEADER_BYTES + buffers.length * TABLE_ENTRY_BYTES;
  if (meta.byteLength < 64) {
    for (let i = 0; i < meta.byteLength; i++) target[pos + i] = meta[i]!;
  } else {
    target.set(meta, pos);
  }
  pos += meta.byteLength;
  for (let i = 0; i < buffers.length; i++) {
    const buf = buffers[i]!;
    const offset = alignUp(pos);
    if (offset > pos) target.fill(0, pos, offset);
    const entry = HEADER_BYTES + i * TABLE_ENTRY_BYTES;
    putU64(target, entry, offset);
    putU64(target, entry + 8, buf.byteLength);
    const dst = target.subarray(offset, offset + buf.byteLength);
    if (copy !== undefined && buf.byteLength >= BIG_COPY_THRESHOLD) copy(dst, buf);
    else dst.set(buf);
    pos = offset + buf.byteLength;
  }
}

/**
 * Validates the header and buffer table of a layout and locates its parts.
 *
 * @throws SerializationError when the bytes are not a well-formed layout.
 */
export function readLayout(bytes: Uint8Array): ParsedLayout {
  if (!(bytes instanceof Uint8Array)) throw corrupt(`expected a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  const total = bytes.length;
  if (total < HEADER_BYTES) throw corrupt(`the input has ${total} bytes, fewer than the ${HEADER_BYTES}-byte header`);
  if (getU32(bytes, 0) !== LAYOUT_MAGIC) throw corrupt('the magic number is wrong (not a ray-ts layout)');
  if (bytes[4] !== FORMAT_VERSION) throw corrupt(`format version ${bytes[4]} is not the supported version ${FORMAT_VERSION}`);
  const metaLength = getU32(bytes, 8);
  const count = getU32(bytes, 12);
  if (count > (total - HEADER_BYTES) / TABLE_ENTRY_BYTES) throw corrupt(`the buffer table (${count} entries) runs past the end`);
  const metaStart = HEADER_BYTES + count * TABLE_ENTRY_BYTES;
  const metaEnd = metaStart + metaLength;
  if (metaEnd > total) throw corrupt(`the meta (${metaLength} bytes) runs past the end of the ${total}-byte input`);
  const buffers: Uint8Array[] = new Array(count);
  let minOffset = metaEnd;
  for (let i = 0; i < count; i++) {
    const entry = HEADER_BYTES + i * TABLE_ENTRY_BYTES;
    const offset = getU64(bytes, entry);
    const length = getU64(bytes, entry + 8);
    if (offset < minOffset || offset + length > total) {
      throw corrupt(`buffer ${i} (offset ${offset}, length ${length}) lies outside the data area`);
    }
    buffers[i] = bytes.subarray(offset, offset + length);
    minOffset = offset + length;
  }
  return { metaStart, metaEnd, buffers };
}
