/**
 * The sort's records, like gensort's (the Sort Benchmark's generator): 100 bytes each, a
 * 10-byte random key then a 90-byte payload. Generated deterministically per partition from
 * a seed, hashed for a valsort-style checksum, and compared by key (bytes, as memcmp).
 *
 * Records are handled as 25 little-endian 32-bit words (`Uint32Array` views): 100 is a
 * multiple of 4, so every record of a 4-byte-aligned buffer is aligned too, and copying or
 * hashing a record is 25 word operations instead of 100 byte ones.
 *
 * Payload (bytes 10–99, as in gensort's binary records): `00 11`, the record's row number
 * as a 128-bit big-endian integer, `88 99 AA BB`, 64 filler bytes derived from the row
 * number, `CC DD EE FF`.
 */

/** Bytes per record. */
export const RECORD_BYTES = 100;
/** Bytes of the key at the start of each record. */
export const KEY_BYTES = 10;
/** 32-bit words per record. */
export const RECORD_WORDS = RECORD_BYTES / 4;

/** Byte-swaps a 32-bit word: little-endian word ↔ big-endian number (keys compare big-endian). */
export function bswap(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The 32-bit hash of the record at word offset `o` (murmur-style mixing of its 25 words). */
export function hashRecord(w: Uint32Array, o: number): number {
  let h = 0x9747b28c;
  for (let j = 0; j < RECORD_WORDS; j++) {
    h = Math.imul(h ^ w[o + j]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return mix32(h);
}

/** The records of `bytes` as 32-bit words (a view when `bytes` is 4-byte aligned, else a copy). */
export function recordWords(bytes: Uint8Array): Uint32Array {
  if (bytes.byteLength % RECORD_BYTES !== 0) throw new RangeError(`a record buffer must hold whole ${RECORD_BYTES}-byte records, got ${bytes.byteLength} bytes`);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

/**
 * Sum of the hashes of `count` records from word offset `o` (valsort sums per-record
 * CRCs the same way: the sum does not depend on the order, so sorting must keep it).
 */
export function checksumRecords(w: Uint32Array, o = 0, count = w.length / RECORD_WORDS): bigint {
  let total = 0n;
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc += hashRecord(w, o + i * RECORD_WORDS);
    if ((i & 0xfffff) === 0xfffff) {
      total += BigInt(acc); // fold before acc (< 2^52 here) could lose bits
      acc = 0;
    }
  }
  return total + BigInt(acc);
}

/**
 * Generates `count` records, rows `firstRow...`, of partition `partition`: keys from a
 * xorshift128 stream seeded by `(seed, partition)`, so a partition is the same wherever and
 * whenever it is made. Writes them at word offset `at` of `into` (a fresh buffer by default)
 * and returns the buffer and the checksum of what it wrote (as `gensort -c` prints it).
 */
export function generateRecords(
  seed: number, partition: number, firstRow: number, count: number,
  into: Uint8Array = new Uint8Array(count * RECORD_BYTES), at = 0,
): { records: Uint8Array; checksum: bigint } {
  const w = recordWords(into);
  if (w.buffer !== into.buffer) throw new RangeError('generateRecords() into must be 4-byte aligned');
  let a = mix32(seed ^ 0x9e3779b9) | 1;
  let b = mix32(partition + 0x7f4a7c15);
  let c = mix32(a ^ b ^ 0x6a09e667);
  let d = mix32(c + 0xbb67ae85);
  const next = (): number => {
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    return d;
  };
  for (let i = 0; i < 16; i++) next(); // leave the seeding's low-entropy start
  let total = 0n;
  let acc = 0;
  for (let i = 0; i < count; i++) {
    const o = at + i * RECORD_WORDS;
    const row = firstRow + i;
    const rowHi = Math.floor(row / 0x100000000);
    const rowLo = row >>> 0;
    w[o] = next();
    w[o + 1] = next();
    w[o + 2] = (next() & 0xffff) | 0x11000000; // key bytes 8–9, then payload 00 11
    w[o + 3] = 0;
    w[o + 4] = 0;
    w[o + 5] = bswap(rowHi);
    w[o + 6] = bswap(rowLo);
    w[o + 7] = 0xbbaa9988;
    const f = mix32(rowLo ^ 0x5851f42d);
    for (let j = 0; j < 16; j++) w[o + 8 + j] = (f + Math.imul(j, 0x01010101)) >>> 0;
    w[o + 24] = 0xffeeddcc;
    acc += hashRecord(w, o);
    if ((i & 0xfffff) === 0xfffff) {
      total += BigInt(acc);
      acc = 0;
    }
  }
  return { records: into, checksum: total + BigInt(acc) };
}

/** Compares the keys of records `i` and `j` of `bytes` (by bytes, as memcmp): negative, 0 or positive. */
export function compareKeys(bytes: Uint8Array, i: number, j: number): number {
  const x = i * RECORD_BYTES;
  const y = j * RECORD_BYTES;
  for (let k = 0; k < KEY_BYTES; k++) {
    const d = bytes[x + k]! - bytes[y + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The key of record `i` as hex (hex strings of equal length order like the keys). */
export function keyHex(bytes: Uint8Array, i: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + i * RECORD_BYTES, KEY_BYTES).toString('hex');
}
