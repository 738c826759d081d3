/**
 * A guard in front of apache-arrow's IPC reader. The reader trusts the flatbuffer
 * metadata of each message (vector lengths, buffer offsets), so corrupt metadata
 * makes it allocate until the process dies. The encoder stores a digest of every
 * message's metadata (a few hundred bytes per batch, never the column data), and the
 * decoder recomputes it before arrow sees the stream: corrupt metadata is rejected,
 * zero-copy decoding is kept.
 *
 * Stream framing (Arrow columnar format, "Encapsulated message format"): each message
 * is `0xFFFFFFFF`, an int32 metadata length, the flatbuffer `Message` (whose
 * `bodyLength` field gives the body size), then the body; `0xFFFFFFFF 0x00000000` ends
 * the stream.
 *
 * @module
 */

/** Offset of the `bodyLength` slot in the vtable of a flatbuffer `Message` (field 3: 4 + 3 × 2). */
const BODY_LENGTH_SLOT = 10;

function i32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

/** Reads `Message.bodyLength` from the flatbuffer in `b[start, end)`; undefined when out of bounds. */
function bodyLength(b: Uint8Array, start: number, end: number): number | undefined {
  if (end - start < 8) return undefined;
  const table = start + (i32(b, start) >>> 0);
  if (table + 4 > end) return undefined;
  const vtable = table - i32(b, table);
  if (vtable < start || vtable + 4 > end) return undefined;
  const vtableSize = u16(b, vtable);
  if (vtable + vtableSize > end) return undefined;
  if (vtableSize < BODY_LENGTH_SLOT + 2) return 0; // field absent: no body
  const field = u16(b, vtable + BODY_LENGTH_SLOT);
  if (field === 0) return 0;
  if (table + field + 8 > end) return undefined;
  const lo = i32(b, table + field) >>> 0;
  const hi = i32(b, table + field + 4) >>> 0;
  return hi === 0 ? lo : undefined; // bodies of 4 GiB or more are not expected in one message
}

/**
 * Digest (FNV-1a, 32 bits) of the framing and metadata of an Arrow IPC stream.
 *
 * @returns the digest, or `undefined` when the framing is malformed.
 */
export function ipcMetadataDigest(b: Uint8Array): number | undefined {
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    h = Math.imul(h ^ (x & 0xff), 0x01000193);
  };
  let pos = 0;
  for (;;) {
    if (pos + 8 > b.length || i32(b, pos) !== -1) return undefined;
    const metaLength = i32(b, pos + 4);
    if (metaLength === 0) return pos + 8 === b.length ? h >>> 0 : undefined;
    const start = pos + 8;
    const end = start + metaLength;
    if (metaLength < 0 || end > b.length) return undefined;
    const body = bodyLength(b, start, end);
    if (body === undefined || end + body > b.length) return undefined;
    for (let i = start; i < end; i++) mix(b[i]!);
    for (let s = 0; s < 32; s += 8) mix(body >>> s);
    pos = end + body;
  }
}
