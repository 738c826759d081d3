import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SerializationError } from '../errors.js';
import { deserialize, encode, MAX_DEPTH, serialize, writeTo } from './index.js';

/** Round-trips through both paths (serialize, and encode + writeTo) and checks they agree. */
function roundTrip<T>(value: T): T {
  const bytes = serialize(value);
  const enc = encode(value);
  const laid = new Uint8Array(enc.size);
  writeTo(enc, laid);
  assert.deepEqual(laid, bytes, 'serialize and encode+writeTo write the same layout');
  return deserialize(bytes) as T;
}

function same(value: unknown): void {
  assert.deepStrictEqual(roundTrip(value), value);
}

describe('primitives', () => {
  it('round-trips undefined, null and booleans', () => {
    for (const v of [undefined, null, true, false]) same(v);
  });

  it('round-trips numbers at every encoding boundary, -0, NaN and infinities', () => {
    const ints = [0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32];
    for (const n of ints) {
      same(n);
      same(-n);
    }
    for (const n of [-32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1]) same(n);
    for (const n of [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 60, 1.5, -0.1, 1e300, 5e-324, Number.MAX_VALUE]) same(n);
    for (const n of [NaN, Infinity, -Infinity]) same(n);
    assert.ok(Object.is(roundTrip(-0), -0));
    assert.ok(Object.is(roundTrip(0), 0));
  });

  it('round-trips strings of every length class, including non-ASCII', () => {
    for (const s of ['', 'x', 'a'.repeat(31), 'a'.repeat(32), 'b'.repeat(255), 'c'.repeat(256), 'd'.repeat(70_000)]) same(s);
    for (const s of ['héllo', '日本語のテキスト', 'emoji 🎉🚀', 'ü'.repeat(20), 'mixed ascii then é'.repeat(40), '€'.repeat(30_000)]) same(s);
  });

  it('round-trips BigInts, small and beyond 64 bits', () => {
    const big = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, -(2n ** 63n) - 1n, 2n ** 200n + 7n, -(3n ** 150n)];
    for (const b of big) same(b);
  });

  it('keeps numbers and BigInts apart', () => {
    assert.equal(typeof roundTrip(5n), 'bigint');
    assert.equal(typeof roundTrip(2 ** 40), 'number');
  });
});

describe('containers', () => {
  it('round-trips nested arrays and plain objects', () => {
    same([1, [2, [3, [4, []]]], 'x', { a: { b: { c: [null, true] } } }]);
    same({ id: 7, name: 'n', tags: ['a', 'b'], nested: { list: [{ x: 1 }, { y: 2 }], empty: {} } });
  });

  it('round-trips large arrays and objects (16- and 32-bit headers)', () => {
    for (const n of [15, 16, 65_535, 65_536, 70_000]) {
      same(Array.from({ length: n }, (_, i) => i));
      same(Object.fromEntries(Array.from({ length: Math.min(n, 70_000) }, (_, i) => [`k${i}`, i])));
    }
  });

  it('round-trips objects with a null prototype', () => {
    const o = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: { c: 2 } });
    const back = roundTrip(o);
    assert.equal(Object.getPrototypeOf(back), null);
    assert.deepStrictEqual(back, o);
  });

  it('keeps an own __proto__ key as data without changing the prototype', () => {
    const o = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const back = roundTrip(o);
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, '__proto__')?.value, { polluted: true });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('round-trips arrays of undefined and sparse arrays (holes stay holes)', () => {
    same([undefined, undefined]);
    same([1, undefined, 3]);
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    const back = roundTrip(sparse);
    assert.equal(back.length, 3);
    assert.equal(1 in back, false);
    assert.deepStrictEqual(back, sparse);
    const holes = roundTrip(new Array(4));
    assert.equal(holes.length, 4);
    assert.equal(Object.keys(holes).length, 0);
  });

  it('round-trips Maps with keys of any type', () => {
    const objKey = { k: 1 };
    const m = new Map<unknown, unknown>([
      [1, 'one'], ['1', 'string one'], [objKey, [1, 2]], [[1, 2], 'array key'], [null, 'null'],
      [undefined, 'undefined'], [NaN, 'nan'], [10n, 'bigint'], [new Date(0), 'date'], [true, new Map([[1, 2]])],
    ]);
    same(m);
    same(new Map());
  });

  it('round-trips Sets, Dates (including invalid) and RegExps', () => {
    same(new Set([1, 'a', { b: 2 }, [3], null]));
    same(new Set());
    same(new Date(1_700_000_000_123));
    same(new Date(-1));
    const invalid = roundTrip(new Date(NaN));
    assert.ok(invalid instanceof Date && Number.isNaN(invalid.getTime()));
    same(/ab+c/gimsuy);
    same(new RegExp('[\\u{1F600}-\\u{1F64F}]', 'u'));
    same({ when: new Date(5), pattern: /x/g, ids: new Set([1n, 2n]) });
  });

  it('copies shared references as separate trees', () => {
    const shared = { v: 1 };
    const back = roundTrip({ a: shared, b: shared });
    assert.deepEqual(back.a, back.b);
    assert.notEqual(back.a, back.b);
  });

  it('accepts deep nesting up to MAX_DEPTH and rejects deeper (circular) values', () => {
    let deep: unknown[] = [];
    for (let i = 1; i < MAX_DEPTH; i++) deep = [deep];
    assert.ok(Array.isArray(roundTrip(deep)));
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    assert.throws(() => serialize(cyclic), (e: unknown) => e instanceof SerializationError && /circular reference/.test(e.message));
    const cyclicArray: unknown[] = [];
    cyclicArray.push(cyclicArray);
    assert.throws(() => encode(cyclicArray), SerializationError);
  });

  it('ignores symbol-keyed properties like structuredClone does', () => {
    assert.deepStrictEqual(roundTrip({ a: 1, [Symbol('s')]: 2 }), { a: 1 });
  });
});
