/**
 * The two data steps of the sort, plain functions over record buffers (no ray): what a map
 * task does to its partition (`splitByKey`: R ranges by key) and what a reduce task does to
 * its range (`sortRecords`). The single-process baseline runs `sortRecords` on all the data.
 */
import { KEY_BYTES, RECORD_BYTES, RECORD_WORDS, bswap, compareKeys, recordWords } from './records.js';

/**
 * Which of `reducers` ranges a key starting with the big-endian 32-bit `prefix` falls in:
 * uniform boundaries over the first 4 key bytes (keys are uniform, as gensort's are), so
 * range r holds keys below those of range r + 1.
 */
export function rangeOf(prefix: number, reducers: number): number {
  return Math.floor((prefix * reducers) / 0x100000000);
}

/** Splits records into `reducers` ranges by key (each in input order); the blocks share one buffer. */
export function splitByKey(records: Uint8Array, reducers: number): Uint8Array[] {
  const w = recordWords(records);
  const n = w.length / RECORD_WORDS;
  const range = new Uint16Array(n);
  const counts = new Float64Array(reducers + 1);
  for (let i = 0; i < n; i++) {
    const r = rangeOf(bswap(w[i * RECORD_WORDS]!), reducers);
    range[i] = r;
    counts[r + 1]!++;
  }
  for (let r = 0; r < reducers; r++) counts[r + 1]! += counts[r]!; // counts[r]: first record of range r
  const out = new Uint32Array(n * RECORD_WORDS);
  const next = Float64Array.from(counts);
  for (let i = 0; i < n; i++) {
    const from = i * RECORD_WORDS;
    const to = next[range[i]!]!++ * RECORD_WORDS;
    for (let j = 0; j < RECORD_WORDS; j++) out[to + j] = w[from + j]!;
  }
  const bytes = new Uint8Array(out.buffer);
  const blocks: Uint8Array[] = [];
  for (let r = 0; r < reducers; r++) blocks.push(bytes.subarray(counts[r]! * RECORD_BYTES, counts[r + 1]! * RECORD_BYTES));
  return blocks;
}

/** Concatenates record blocks into one fresh (aligned) buffer. */
export function concatBlocks(blocks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const b of blocks) total += b.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

/**
 * Sorts records by key into a new buffer. An index sort on one native typed-array sort:
 * each record becomes a 64-bit number — key bytes 0–3, then as many bits of key bytes 4–7
 * as fit beside the record's index — sorted by `BigUint64Array.prototype.sort`; records are
 * then copied in that order, and the rare runs whose packed key bits tie are finished by
 * comparing whole keys.
 */
export function sortRecords(records: Uint8Array): Uint8Array {
  const w = recordWords(records);
  const n = w.length / RECORD_WORDS;
  if (n > 0x7fffffff) throw new RangeError(`sortRecords() sorts at most 2^31 - 1 records at once, got ${n}`);
  const out = new Uint32Array(n * RECORD_WORDS);
  if (n <= 1) {
    out.set(w);
    return new Uint8Array(out.buffer);
  }
  const idxBits = Math.ceil(Math.log2(n));
  const mask = idxBits >= 31 ? 0x7fffffff : (1 << idxBits) - 1;
  const keys = new BigUint64Array(n);
  const k = new Uint32Array(keys.buffer); // k[2i]: low word, k[2i + 1]: high word (little-endian)
  for (let i = 0; i < n; i++) {
    const o = i * RECORD_WORDS;
    k[2 * i + 1] = bswap(w[o]!);
    k[2 * i] = (((bswap(w[o + 1]!) >>> idxBits) << idxBits) | i) >>> 0;
  }
  keys.sort();
  for (let i = 0; i < n; i++) {
    const from = (k[2 * i]! & mask) * RECORD_WORDS;
    const to = i * RECORD_WORDS;
    for (let j = 0; j < RECORD_WORDS; j++) out[to + j] = w[from + j]!;
  }
  const bytes = new Uint8Array(out.buffer);
  for (let i = 1; i < n; ) {
    if (k[2 * i + 1] !== k[2 * i - 1] || k[2 * i]! >>> idxBits !== k[2 * i - 2]! >>> idxBits) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < n && k[2 * end + 1] === k[2 * i - 1] && k[2 * end]! >>> idxBits === k[2 * i - 2]! >>> idxBits) end++;
    insertionSort(bytes, out, i - 1, end);
    i = end;
  }
  return bytes;
}

/** Sorts records `from..to-1` of `bytes` (words `w`) by whole key, in place: for short runs. */
function insertionSort(bytes: Uint8Array, w: Uint32Array, from: number, to: number): void {
  const tmp = new Uint32Array(RECORD_WORDS);
  const scratch = new Uint8Array(tmp.buffer);
  for (let i = from + 1; i < to; i++) {
    if (compareKeys(bytes, i - 1, i) <= 0) continue;
    tmp.set(w.subarray(i * RECORD_WORDS, (i + 1) * RECORD_WORDS));
    let j = i;
    while (j > from && compareWithScratch(bytes, j - 1, scratch) > 0) {
      w.copyWithin(j * RECORD_WORDS, (j - 1) * RECORD_WORDS, j * RECORD_WORDS);
      j--;
    }
    w.set(tmp, j * RECORD_WORDS);
  }
}

function compareWithScratch(bytes: Uint8Array, i: number, key: Uint8Array): number {
  const x = i * RECORD_BYTES;
  for (let b = 0; b < KEY_BYTES; b++) {
    const d = bytes[x + b]! - key[b]!;
    if (d !== 0) return d;
  }
  return 0;
}
