/**
 * Parquet's RLE / bit-packing hybrid encoding (definition levels and dictionary
 * indices), decoded into typed arrays with a 32-bit accumulator: no per-value objects.
 */

/** Reads an unsigned LEB128 varint at `pos`; returns [value, next position]. */
function varint(bytes: Uint8Array, pos: number): [number, number] {
  let v = 0;
  let scale = 1;
  let b: number;
  do {
    b = bytes[pos++]!;
    v += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  return [v, pos];
}

/** The largest value the last {@link decodeHybrid} wrote (dictionary indices are checked against it). */
export let decodedMax = 0;

/** Unpacks `n` values of `width` bits (LSB first) from `bytes[pos...]` into `out[at...]`; returns the largest. */
function unpack(bytes: Uint8Array, pos: number, width: number, n: number, out: Int32Array | Uint16Array | Uint8Array, at: number): number {
  let max = 0;
  if (width === 0) {
    out.fill(0, at, at + n);
  } else if (width === 1) {
    for (let k = 0; k < n; k++) out[at + k] = (bytes[pos + (k >> 3)]! >> (k & 7)) & 1;
    max = n > 0 ? 1 : 0;
  } else if (width <= 24) {
    // Each value lies within the 4 bytes from its first bit's byte: load them, shift, mask.
    const mask = (1 << width) - 1;
    let bit = pos * 8;
    const fastEnd = Math.max(0, Math.min(n, Math.floor(((bytes.length - 4) * 8 - bit) / width)));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let k = 0;
    for (; k < fastEnd; k++) {
      const v = (view.getUint32(bit >>> 3, true) >>> (bit & 7)) & mask;
      out[at + k] = v;
      if (v > max) max = v;
      bit += width;
    }
    for (; k < n; k++) {
      const p = bit >>> 3;
      let w = 0;
      for (let j = 0; j < 4 && p + j < bytes.length; j++) w |= bytes[p + j]! << (8 * j);
      const v = (w >>> (bit & 7)) & mask;
      out[at + k] = v;
      if (v > max) max = v;
      bit += width;
    }
  } else {
    const div = 2 ** width;
    let acc = 0;
    let scale = 1;
    for (let k = 0; k < n; k++) {
      while (scale < div) {
        acc += bytes[pos++]! * scale;
        scale *= 256;
      }
      const v = acc % div;
      out[at + k] = v;
      if (v > max) max = v;
      acc = (acc - v) / div;
      scale /= div;
    }
  }
  return max;
}

/**
 * Decodes `count` values of the hybrid encoding (`width` bits each) from
 * `bytes[pos, end)` into `out[at...]`; returns the position after the last run read (and
 * leaves the largest value decoded in {@link decodedMax}).
 * Throws when the data ends before `count` values.
 */
export function decodeHybrid(bytes: Uint8Array, pos: number, end: number, width: number, count: number, out: Int32Array | Uint16Array | Uint8Array, at = 0): number {
  let seen = 0;
  let max = 0;
  const valueBytes = (width + 7) >> 3;
  while (seen < count) {
    if (pos >= end) throw new Error(`parquet: RLE/bit-packed data ends after ${seen} of ${count} values`);
    const [header, p] = varint(bytes, pos);
    pos = p;
    if (header % 2 === 1) {
      const groups = (header - 1) / 2;
      const take = Math.min(groups * 8, count - seen);
      const m = unpack(bytes, pos, width, take, out, at + seen);
      if (m > max) max = m;
      pos += groups * width;
      seen += take;
    } else {
      const run = header / 2;
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value += bytes[pos + i]! * 2 ** (8 * i);
      pos += valueBytes;
      const take = Math.min(run, count - seen);
      out.fill(value, at + seen, at + seen + take);
      if (take > 0 && value > max) max = value;
      seen += take;
    }
  }
  decodedMax = max;
  return pos;
}
