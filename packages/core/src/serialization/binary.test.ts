import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BIG_COPY_THRESHOLD, BUFFER_ALIGNMENT, deserialize, encode, OUT_OF_BAND_THRESHOLD, serialize, writeTo } from './index.js';

type AnyTypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

const kinds: { ctor: new (n: number) => AnyTypedArray; fill: (i: number) => number | bigint }[] = [
  { ctor: Int8Array, fill: (i) => (i % 256) - 128 },
  { ctor: Uint8Array, fill: (i) => i % 256 },
  { ctor: Uint8ClampedArray, fill: (i) => i % 256 },
  { ctor: Int16Array, fill: (i) => (i * 7) % 30000 - 15000 },
  { ctor: Uint16Array, fill: (i) => (i * 7) % 65536 },
  { ctor: Int32Array, fill: (i) => i * -100003 },
  { ctor: Uint32Array, fill: (i) => (i * 2654435761) >>> 0 },
  { ctor: Float32Array, fill: (i) => i / 3 },
  { ctor: Float64Array, fill: (i) => Math.sin(i) * 1e6 },
  { ctor: BigInt64Array, fill: (i) => BigInt(i) * -123456789123n },
  { ctor: BigUint64Array, fill: (i) => BigInt(i) * 987654321987n },
];

function make<T extends AnyTypedArray>(ctor: new (n: number) => T, n: number, fill: (i: number) => number | bigint): T {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) (a as unknown as (number | bigint)[])[i] = fill(i);
  return a;
}

function roundTrip<T>(value: T): T {
  return deserialize(serialize(value)) as T;
}

/** Lays a value out at `offset` bytes into a fresh ArrayBuffer and returns that view. */
function layOutAt(value: unknown, offset: number): Uint8Array {
  const enc = encode(value);
  const bytes = new Uint8Array(new ArrayBuffer(offset + enc.size), offset, enc.size);
  writeTo(enc, bytes);
  return bytes;
}

describe('typed arrays', () => {
  for (const { ctor, fill } of kinds) {
    it(`round-trips ${ctor.name} inline and out of band`, () => {
      for (const n of [0, 3, 100, 5000]) {
        const a = make(ctor, n, fill);
        const enc = encode(a);
        assert.equal(enc.buffers.length, a.byteLength >= OUT_OF_BAND_THRESHOLD ? 1 : 0);
        const back = roundTrip(a);
        assert.equal(back.constructor, ctor);
        assert.deepStrictEqual(back, a);
      }
    });

    it(`round-trips ${ctor.name} subarray views with a non-zero byteOffset`, () => {
      const base = make(ctor, 3000, fill);
      for (const view of [base.subarray(1), base.subarray(5, 17), base.subarray(1000, 2999)]) {
        assert.ok(view.byteOffset > 0);
        assert.deepStrictEqual(roundTrip(view), view);
      }
    });
  }

  it('puts payloads of OUT_OF_BAND_THRESHOLD bytes or more out of band, smaller ones inline', () => {
    assert.equal(encode(new Uint8Array(OUT_OF_BAND_THRESHOLD - 1)).buffers.length, 0);
    assert.equal(encode(new Uint8Array(OUT_OF_BAND_THRESHOLD)).buffers.length, 1);
    assert.equal(encode(new Float64Array(OUT_OF_BAND_THRESHOLD / 8)).buffers.length, 1);
  });

  it('keeps out-of-band payloads as views of the caller memory until writeTo', () => {
    const big = make(Float64Array, 1000, (i) => i);
    const enc = encode({ big });
    assert.equal(enc.buffers[0]!.buffer, big.buffer);
    assert.equal(enc.buffers[0]!.byteLength, big.byteLength);
  });
});

describe('Buffer, DataView, ArrayBuffer', () => {
  it('decodes Node Buffers as Buffers, inline and out of band, including pooled slices', () => {
    for (const b of [Buffer.from('hello'), Buffer.alloc(5000, 7), Buffer.from('pooled slice of a slab').subarray(3, 9)]) {
      const back = roundTrip(b);
      assert.ok(Buffer.isBuffer(back));
      assert.deepEqual(back, b);
    }
  });

  it('round-trips DataViews with offsets', () => {
    const ab = new ArrayBuffer(6000);
    new Uint8Array(ab).forEach((_, i, a) => (a[i] = i % 251));
    for (const dv of [new DataView(ab, 3, 10), new DataView(ab, 7, 5000)]) {
      const back = roundTrip(dv);
      assert.ok(back instanceof DataView);
      assert.deepEqual(new Uint8Array(back.buffer, back.byteOffset, back.byteLength), new Uint8Array(ab, dv.byteOffset, dv.byteLength));
    }
  });

  it('round-trips ArrayBuffers (and SharedArrayBuffers, as ArrayBuffers)', () => {
    for (const n of [0, 10, 4096]) {
      const ab = new ArrayBuffer(n);
      new Uint8Array(ab).forEach((_, i, a) => (a[i] = (i * 13) % 256));
      const back = roundTrip(ab);
      assert.ok(back instanceof ArrayBuffer);
      assert.deepEqual(new Uint8Array(back), new Uint8Array(ab));
    }
    const sab = new SharedArrayBuffer(2048);
    new Uint8Array(sab)[5] = 9;
    const back = roundTrip(sab) as unknown as ArrayBuffer;
    assert.ok(back instanceof ArrayBuffer);
    assert.equal(new Uint8Array(back)[5], 9);
  });

  it('round-trips many binaries of mixed kinds in one value', () => {
    const value = {
      small: new Int16Array([1, -2, 3]),
      big: make(Float32Array, 2000, (i) => i * 0.5),
      again: make(Uint32Array, 700, (i) => i),
      list: [Buffer.alloc(3000, 1), new Uint8Array(2), new BigInt64Array(200)],
    };
    assert.equal(encode(value).buffers.length, 4);
    assert.deepStrictEqual(roundTrip(value), value);
  });
});

describe('layout and zero-copy decoding', () => {
  it('aligns every out-of-band buffer to BUFFER_ALIGNMENT bytes', () => {
    const bytes = serialize([new Uint8Array(1500), new Float64Array(300), new Uint8Array(1025)]);
    const table = new DataView(bytes.buffer, bytes.byteOffset);
    const count = table.getUint32(12, true);
    assert.equal(count, 3);
    for (let i = 0; i < count; i++) assert.equal(table.getUint32(16 + i * 16, true) % BUFFER_ALIGNMENT, 0);
  });

  it('returns TypedArrays that view the input bytes (same ArrayBuffer, right byteOffset)', () => {
    const big = make(Float64Array, 1 << 16, (i) => i * 1.25);
    const bytes = layOutAt({ big, note: 'x' }, 64);
    const offset = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
    const back = deserialize(bytes) as { big: Float64Array; note: string };
    assert.equal(back.big.buffer, bytes.buffer);
    assert.equal(back.big.byteOffset, bytes.byteOffset + offset);
    assert.equal(back.big.length, big.length);
    assert.deepStrictEqual(back.big, big);
    bytes[offset] ^= 0xff; // a write to the layout is visible through the view
    assert.notEqual(back.big[0], big[0]);
  });

  it('returns Buffers, DataViews and Uint8Arrays as views too', () => {
    const bytes = layOutAt({ b: Buffer.alloc(4000, 3), d: new DataView(new ArrayBuffer(2000)), u: new Uint8Array(3000) }, 0);
    const back = deserialize(bytes) as { b: Buffer; d: DataView; u: Uint8Array };
    for (const v of [back.b, back.d, back.u]) assert.equal(v.buffer, bytes.buffer);
  });

  it('copies out-of-band data that is not aligned in memory, and still decodes it', () => {
    const big = make(Float64Array, 5000, (i) => i - 0.5);
    const bytes = layOutAt({ big, raw: new Uint8Array(2000).fill(4) }, 3);
    const back = deserialize(bytes) as { big: Float64Array; raw: Uint8Array };
    assert.notEqual(back.big.buffer, bytes.buffer);
    assert.deepStrictEqual(back.big, big);
    assert.equal(back.raw.buffer, bytes.buffer); // bytes need no alignment
    assert.deepEqual(back.raw, new Uint8Array(2000).fill(4));
  });

  it('decodes zero-copy from a SharedArrayBuffer-backed layout', () => {
    const big = make(Int32Array, 4000, (i) => i * 3);
    const enc = encode({ big, buf: Buffer.alloc(2000, 5) });
    const bytes = new Uint8Array(new SharedArrayBuffer(enc.size));
    writeTo(enc, bytes);
    const back = deserialize(bytes) as { big: Int32Array; buf: Buffer };
    assert.equal(back.big.buffer, bytes.buffer);
    assert.equal(back.buf.buffer, bytes.buffer);
    assert.deepEqual(Array.from(back.big.subarray(0, 5)), [0, 3, 6, 9, 12]);
  });

  it('copies inline (small) binaries so they never alias the input', () => {
    const bytes = serialize(new Float64Array([1, 2, 3]));
    const back = deserialize(bytes) as Float64Array;
    assert.notEqual(back.buffer, bytes.buffer);
  });

  it('uses the copy callback for big buffers only, and rejects a small target', () => {
    const big = new Uint8Array(BIG_COPY_THRESHOLD).fill(9);
    const enc = encode({ big, small: new Uint8Array(2000) });
    const calls: number[] = [];
    const target = new Uint8Array(enc.size);
    writeTo(enc, target, (dst, src) => {
      calls.push(src.byteLength);
      dst.set(src);
    });
    assert.deepEqual(calls, [BIG_COPY_THRESHOLD]);
    assert.deepEqual((deserialize(target) as { big: Uint8Array }).big, big);
    assert.throws(() => writeTo(enc, new Uint8Array(enc.size - 1)), RangeError);
  });

  it('zero-fills the padding even when the target held garbage', () => {
    const enc = encode([new Uint8Array(1100).fill(1), new Uint8Array(1100).fill(2)]);
    const a = new Uint8Array(enc.size).fill(0xee);
    const b = new Uint8Array(enc.size);
    writeTo(enc, a);
    writeTo(enc, b);
    assert.deepEqual(a, b);
  });
});
