import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerializationError } from '../errors.js';
import { deserialize, serialize } from './index.js';

/** Small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decodes, accepting either a value or a SerializationError; anything else fails the test. */
function decodeOrReject(bytes: Uint8Array): void {
  try {
    deserialize(bytes);
  } catch (e) {
    if (!(e instanceof SerializationError)) throw new Error(`expected SerializationError, got ${String(e)}`, { cause: e });
  }
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => deserialize(bytes), (e: unknown) => e instanceof SerializationError && pattern.test(e.message));
}

const samples: unknown[] = [
  0,
  'x',
  [1, 2],
  { a: 1, b: [true, null, undefined], c: 'héllo', d: -1.5, e: 2n ** 70n },
  new Map<unknown, unknown>([[1, new Set([1, 2])], ['k', new Date(0)]]),
  [new Float64Array(300), new Int16Array([1, 2, 3]), /re/g, new TypeError('t')],
  Object.assign(Object.create(null) as object, { z: [1, , 3] }),
];

describe('layout header', () => {
  it('starts with RAYS, version 1, the meta length and the buffer count', () => {
    const bytes = serialize(0);
    assert.equal(bytes.length, 17);
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'RAYS');
    assert.equal(bytes[4], 1);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    assert.equal(dv.getUint32(8, true), 1);
    assert.equal(dv.getUint32(12, true), 0);
    assert.equal(new DataView(serialize(new Uint8Array(5000)).buffer).getUint32(12, true), 1);
  });

  it('rejects inputs that are not layouts', () => {
    rejects(new Uint8Array(0), /fewer than the 16-byte header/);
    rejects(new Uint8Array(64), /magic number/);
    const wrongVersion = serialize(1);
    wrongVersion[4] = 9;
    rejects(wrongVersion, /format version 9/);
    const tooManyBuffers = serialize(1);
    new DataView(tooManyBuffers.buffer).setUint32(12, 0xffffffff, true);
    rejects(tooManyBuffers, /buffer table/);
    const longMeta = serialize(1);
    new DataView(longMeta.buffer).setUint32(8, 1000, true);
    rejects(longMeta, /runs past the end/);
    assert.throws(() => deserialize('not bytes' as unknown as Uint8Array), SerializationError);
  });

  it('rejects a buffer table entry that points outside the data area', () => {
    const bytes = serialize(new Uint8Array(2000));
    new DataView(bytes.buffer).setUint32(16, 3, true); // buffer 0 now overlaps the header
    rejects(bytes, /buffer 0 .* outside the data area/);
  });

  it('decodes a layout written into a larger slot (unused bytes after it)', () => {
    const value = { big: new Uint16Array(3000).fill(7), s: 'ok' };
    const bytes = serialize(value);
    const slot = new Uint8Array(bytes.length + 500).fill(0xab);
    slot.set(bytes);
    assert.deepStrictEqual(deserialize(slot), value);
  });

  it('rejects trailing bytes after the value', () => {
    const bytes = serialize([1]);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    new DataView(longer.buffer).setUint32(8, 3, true);
    rejects(longer, /unexpected bytes follow the value/);
  });
});

describe('malformed meta', () => {
  it('rejects huge declared lengths quickly instead of allocating', () => {
    const header = serialize(0).subarray(0, 16);
    for (const meta of [[0xdd, 0xff, 0xff, 0xff, 0xff], [0xdf, 0xff, 0xff, 0xff, 0xff], [0xdb, 0xff, 0xff, 0xff, 0xff], [0xc9, 0xff, 0xff, 0xff, 0xff, 4]]) {
      const bytes = new Uint8Array(16 + meta.length);
      bytes.set(header);
      bytes.set(meta, 16);
      new DataView(bytes.buffer).setUint32(8, meta.length, true);
      rejects(bytes, /longer than the data left|unexpected end/);
    }
  });

  it('rejects every truncation of valid layouts', () => {
    for (const value of samples) {
      const bytes = serialize(value);
      for (let n = 0; n < bytes.length; n++) assert.throws(() => deserialize(bytes.subarray(0, n)), SerializationError);
    }
  });

  it('never throws anything but SerializationError on corrupted meta (seeded fuzz)', () => {
    const random = rng(1234);
    for (const value of samples) {
      const original = serialize(value);
      const metaStart = 16 + new DataView(original.buffer).getUint32(12, true) * 16;
      for (let round = 0; round < 1500; round++) {
        const bytes = original.slice();
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++) {
          const at = metaStart + Math.floor(random() * (bytes.length - metaStart));
          bytes[at] = Math.floor(random() * 256);
        }
        decodeOrReject(bytes);
      }
    }
  });

  it('never throws anything but SerializationError on random meta after a valid header', () => {
    const random = rng(99);
    for (let round = 0; round < 3000; round++) {
      const length = Math.floor(random() * 64);
      const bytes = new Uint8Array(16 + length);
      bytes.set(serialize(0).subarray(0, 16));
      new DataView(bytes.buffer).setUint32(8, length, true);
      for (let i = 16; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      decodeOrReject(bytes);
    }
  });
});
