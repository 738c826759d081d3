/**
 * Open-addressing hash tables over typed arrays, for turning key values into dense ids
 * without a JS object per key: {@link NumberTable} (doubles), {@link PairTable} (pairs of
 * int32 ids, for multi-column keys) and {@link BytesTable} (byte strings: UTF-8 or binary
 * values straight from Arrow buffers). Each maps a key to the id it was first given;
 * ids are handed out by the caller, densely from 0.
 */

const EMPTY = -1;
const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** A 32-bit mix of two words (murmur3's finalizer over a combination). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The hash of a double (+0/-0 and every NaN hash alike; callers canonicalize them). */
export function hashNumber(v: number): number {
  scratch[0] = v;
  return mix(scratchBits[0]!, scratchBits[1]!);
}

/** Doubles → ids. Callers pass canonical keys (`0` for `-0`, one NaN). */
export class NumberTable {
  private keys = new Float64Array(1024);
  private ids = new Int32Array(1024).fill(EMPTY);
  private mask = 1023;
  private count = 0;

  /** The id of `key`, or `id` after storing it when absent. */
  getOrAdd(key: number, id: number): number {
    let slot = hashNumber(key) & this.mask;
    for (;;) {
      const found = this.ids[slot]!;
      if (found === EMPTY) break;
      if (this.keys[slot] === key || (key !== key && this.keys[slot] !== this.keys[slot])) return found;
      slot = (slot + 1) & this.mask;
    }
    this.keys[slot] = key;
    this.ids[slot] = id;
    if (++this.count * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const { keys, ids } = this;
    const size = ids.length * 2;
    this.keys = new Float64Array(size);
    this.ids = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === EMPTY) continue;
      let slot = hashNumber(keys[i]!) & this.mask;
      while (this.ids[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.keys[slot] = keys[i]!;
      this.ids[slot] = ids[i]!;
    }
  }
}

/** Pairs of non-negative int32s → ids (multi-column keys, one column at a time). */
export class PairTable {
  private keys = new Int32Array(2048);
  private ids = new Int32Array(1024).fill(EMPTY);
  private mask = 1023;
  private count = 0;

  /** The id of `(a, b)`, or `id` after storing it when absent. */
  getOrAdd(a: number, b: number, id: number): number {
    let slot = mix(a, b) & this.mask;
    for (;;) {
      const found = this.ids[slot]!;
      if (found === EMPTY) break;
      if (this.keys[2 * slot] === a && this.keys[2 * slot + 1] === b) return found;
      slot = (slot + 1) & this.mask;
    }
    this.keys[2 * slot] = a;
    this.keys[2 * slot + 1] = b;
    this.ids[slot] = id;
    if (++this.count * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const { keys, ids } = this;
    const size = ids.length * 2;
    this.keys = new Int32Array(size * 2);
    this.ids = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === EMPTY) continue;
      const a = keys[2 * i]!;
      const b = keys[2 * i + 1]!;
      let slot = mix(a, b) & this.mask;
      while (this.ids[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.keys[2 * slot] = a;
      this.keys[2 * slot + 1] = b;
      this.ids[slot] = ids[i]!;
    }
  }
}

/** FNV-1a over `bytes[start, end)`, mixed. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return mix(h, end - start);
}

/** Byte strings → ids. The keys are copied into an arena (once per distinct key). */
export class BytesTable {
  private ids = new Int32Array(1024).fill(EMPTY);
  private hashes = new Int32Array(1024);
  private mask = 1023;
  /** Arena of the distinct keys, by id: bytes `[starts[id], starts[id + 1])`. */
  private arena = new Uint8Array(4096);
  private starts = new Int32Array(1025);
  private count = 0;

  /** The id of `bytes[start, end)`, or `id` (which must be the next dense id) after storing it. */
  getOrAdd(bytes: Uint8Array, start: number, end: number, id: number): number {
    const h = hashBytes(bytes, start, end);
    let slot = h & this.mask;
    const len = end - start;
    for (;;) {
      const found = this.ids[slot]!;
      if (found === EMPTY) break;
      if (this.hashes[slot] === h && this.equals(found, bytes, start, len)) return found;
      slot = (slot + 1) & this.mask;
    }
    this.store(id, bytes, start, end);
    this.ids[slot] = id;
    this.hashes[slot] = h;
    if (++this.count * 2 > this.mask) this.grow();
    return id;
  }

  /** Records `id` as a key that is not a byte string (the null group), keeping ids dense. */
  reserve(id: number): void {
    this.store(id, this.arena, 0, 0);
  }

  /** The bytes of the key with id `id` (a view into the arena). */
  key(id: number): Uint8Array {
    return this.arena.subarray(this.starts[id]!, this.starts[id + 1]!);
  }

  private equals(id: number, bytes: Uint8Array, start: number, len: number): boolean {
    const s = this.starts[id]!;
    if (this.starts[id + 1]! - s !== len) return false;
    const arena = this.arena;
    for (let i = 0; i < len; i++) if (arena[s + i] !== bytes[start + i]) return false;
    return true;
  }

  private store(id: number, bytes: Uint8Array, start: number, end: number): void {
    if (id + 2 > this.starts.length) {
      const s = new Int32Array(this.starts.length * 2);
      s.set(this.starts);
      this.starts = s;
    }
    const at = this.starts[id]!;
    const need = at + end - start;
    if (need > this.arena.length) {
      const a = new Uint8Array(Math.max(need, this.arena.length * 2));
      a.set(this.arena.subarray(0, at));
      this.arena = a;
    }
    this.arena.set(bytes.subarray(start, end), at);
    this.starts[id + 1] = need;
  }

  private grow(): void {
    const { ids, hashes } = this;
    const size = ids.length * 2;
    this.ids = new Int32Array(size).fill(EMPTY);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === EMPTY) continue;
      let slot = hashes[i]! & this.mask;
      while (this.ids[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.ids[slot] = ids[i]!;
      this.hashes[slot] = hashes[i]!;
    }
  }
}
