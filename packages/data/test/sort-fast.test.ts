// The typed-array paths of sort and shuffle against the generic comparison paths:
// radix argsort, range assignment, and row selection on Arrow buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bool, DateDay, Float32, Float64, Int32, Int64, Table, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { blockToRows, compactBlock, concatBlocks, takeRows } from '../src/block/block-accessor.js';
import { rowsToBlock } from '../src/block/block-builder.js';
import { takeColumn } from '../src/block/take-column.js';
import { argsort, boundariesFromSamples, compareKeys, keyAt, keyColumns, rangeIndex, seededRandom } from '../src/execution/all-to-all/sort-key.js';
import { bucketRows, numericKeys, radixArgsort, rangeAssign } from '../src/execution/all-to-all/sort-fast.js';

const rnd = seededRandom(5);
const N = 2000;
const floats = Array.from({ length: N }, (_, i) =>
  i % 41 === 0 ? null : i % 37 === 0 ? NaN : i % 31 === 0 ? -0 : i % 29 === 0 ? Infinity : i % 23 === 0 ? -Infinity : Math.round((rnd() - 0.5) * 100) / 4);

function block(type: DataType, values: unknown[]): Table {
  return new Table({ k: vectorFromArray(values as never, type), i: vectorFromArray(values.map((_, j) => j), new Int32()) });
}

test('radix argsort gives the stable comparison order (NaN above numbers, nulls last, both directions)', () => {
  for (const [type, values] of [
    [new Float64(), floats],
    [new Float32(), floats],
    [new Int32(), Array.from({ length: N }, (_, i) => (i % 17 === 0 ? null : Math.floor((rnd() - 0.5) * 1e6)))],
  ] as const) {
    const b = block(type, values as unknown[]);
    for (const descending of [false, true]) {
      const key = { columns: ['k'], descending: [descending] };
      const fast = Array.from(radixArgsort(numericKeys(b, key)!, descending));
      assert.deepEqual(fast, Array.from(argsort(b, key)), `${type} descending=${descending}`);
    }
  }
});

test('range assignment matches rangeIndex; buckets keep row order', () => {
  const b = block(new Float64(), floats);
  for (const descending of [false, true]) {
    const key = { columns: ['k'], descending: [descending] };
    const cols = keyColumns(b, key);
    const samples = Array.from({ length: 50 }, (_, j) => keyAt(cols, j * 40));
    const bounds = boundariesFromSamples(samples, 5, key);
    const fast = rangeAssign(b, key, bounds);
    for (let i = 0; i < N; i++) assert.equal(fast[i], rangeIndex(keyAt(cols, i), bounds, key.descending), `row ${i}`);
    const { rows, starts } = bucketRows(fast, bounds.length + 1);
    for (let p = 0; p <= bounds.length; p++) {
      const part = Array.from(rows.subarray(starts[p]!, starts[p + 1]!));
      assert.deepEqual(part, [...part].sort((x, y) => x - y));
      assert.ok(part.every((i) => fast[i] === p));
    }
  }
  // Boundaries that are plain numbers take the direct comparison path (NaN keys included).
  const noNulls = block(new Float64(), floats.map((x) => (x === null ? 1.5 : x)));
  for (const descending of [false, true]) {
    const key = { columns: ['k'], descending: [descending] };
    const bounds = [[-3], [0], [2.25], [7]].map((t) => t);
    if (descending) bounds.reverse();
    const fast = rangeAssign(noNulls, key, bounds);
    const cols = keyColumns(noNulls, key);
    for (let i = 0; i < N; i++) assert.equal(fast[i], rangeIndex(keyAt(cols, i), bounds, key.descending), `row ${i} (${keyAt(cols, i)}) descending=${descending}`);
  }
  // Partitions in order, each sorted: the whole is sorted.
  const key = { columns: ['k'], descending: [false] };
  const order = Array.from(radixArgsort(numericKeys(b, key)!, false));
  const vals = order.map((i) => floats[i]);
  for (let i = 1; i < vals.length; i++) assert.ok(compareKeys([vals[i - 1]], [vals[i]], [false]) <= 0);
});

test('takeColumn equals the generic path for flat types, nulls, slices and chunked columns', () => {
  const rows = Array.from({ length: 300 }, (_, i) => ({
    f: i % 7 === 0 ? null : i / 3,
    n: i % 5 === 0 ? null : i,
    s: i % 6 === 0 ? null : `s${i}${'x'.repeat(i % 40)}`,
    b: i % 4 === 0 ? null : i % 3 === 0,
    big: i % 9 === 0 ? null : BigInt(i) * 10_000_000_000n,
  }));
  const typed = new Table({
    f: vectorFromArray(rows.map((r) => r.f), new Float64()),
    n: vectorFromArray(rows.map((r) => r.n), new Int32()),
    s: vectorFromArray(rows.map((r) => r.s), new Utf8()),
    b: vectorFromArray(rows.map((r) => r.b), new Bool()),
    big: vectorFromArray(rows.map((r) => r.big), new Int64()),
    d: vectorFromArray(rows.map((_, i) => (i % 8 === 0 ? null : new Date(86400000 * i))), new DateDay()),
  });
  const chunked = concatBlocks([typed.slice(0, 100), typed.slice(100, 170), typed.slice(170)]);
  const compact = compactBlock(chunked);
  assert.equal(compact.batches.length, 1);
  assert.deepEqual(blockToRows(compact), blockToRows(typed));
  const idx = Array.from({ length: 500 }, () => Math.floor(rnd() * 300));
  for (const t of [typed, chunked, compact, typed.slice(50, 250)] as Table[]) {
    const want = idx.filter((i) => i < t.numRows).map((i) => blockToRows(t)[i]);
    const sel = idx.filter((i) => i < t.numRows);
    assert.deepEqual(blockToRows(takeRows(t, sel)), want);
    for (const f of t.schema.fields) assert.ok(takeColumn(t.getChild(f.name)!, sel), `${f.name} takes the fast path`);
    assert.deepEqual(takeRows(t, sel).schema.fields.map((f) => String(f.type)), t.schema.fields.map((f) => String(f.type)));
  }
  assert.deepEqual(blockToRows(takeRows(rowsToBlock([{ a: [1, 2] }, { a: [3] }]), [1, 0])).map((r) => Array.from(r.a as number[])), [[3], [1, 2]]);
});
