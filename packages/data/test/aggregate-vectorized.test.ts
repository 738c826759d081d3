// The vectorized group-by (typed-array states over dense group ids) against a plain
// row-by-row reference, over key and value types that take different code paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dictionary, Float64, Int32, Int64, Table, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { AbsMax, Count, Max, Mean, Min, Std, Sum, type AggregateSpec } from '../src/aggregate.js';
import { blockToRows, type Row } from '../src/block/block-accessor.js';
import { aggregateRows, finalAggregate, partialAggregate } from '../src/execution/all-to-all/aggregate-states.js';
import { compareKeys, seededRandom } from '../src/execution/all-to-all/sort-key.js';

const AGGS: AggregateSpec[] = [new Count().spec, new Sum('v').spec, new Mean('v').spec, new Min('v').spec, new Max('v').spec, new Std('v').spec, new AbsMax('v').spec];

/** Row-by-row reference: key tuples through JSON, nulls skipped in values. */
function reference(rows: Row[], keys: string[]): Row[] {
  const groups = new Map<string, { key: unknown[]; vals: number[]; n: number }>();
  for (const r of rows) {
    const key = keys.map((k) => (r[k] === undefined ? null : r[k]));
    const id = JSON.stringify(key, (_k, x) => (typeof x === 'bigint' ? `${x}n` : Number.isNaN(x) ? 'NaN' : x));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, vals: [], n: 0 }));
    g.n++;
    if (r.v !== null && r.v !== undefined) g.vals.push(Number(r.v));
  }
  const out = [...groups.values()].sort((a, b) => compareKeys(a.key, b.key, keys.map(() => false)));
  return out.map((g) => {
    const row: Row = {};
    keys.forEach((k, i) => (row[k] = g.key[i]));
    const m = g.vals.length;
    const mean = g.vals.reduce((s, x) => s + x, 0) / m;
    row['count()'] = g.n;
    row['sum(v)'] = m ? g.vals.reduce((s, x) => s + x, 0) : null;
    row['mean(v)'] = m ? mean : null;
    row['min(v)'] = m ? Math.min(...g.vals) : null;
    row['max(v)'] = m ? Math.max(...g.vals) : null;
    row['std(v)'] = m > 1 ? Math.sqrt(g.vals.reduce((s, x) => s + (x - mean) ** 2, 0) / (m - 1)) : null;
    row['abs_max(v)'] = m ? Math.max(...g.vals.map(Math.abs)) : null;
    return row;
  });
}

function close(a: unknown, b: unknown, what: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(b)) return assert.ok(Number.isNaN(a), what);
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  } else {
    assert.deepEqual(a, b, what);
  }
}

function check(table: Table, keys: string[], label: string): void {
  const rows = blockToRows(table);
  const want = reference(rows, keys);
  // In one step, and in two steps from three partial blocks (map side, then reduce side).
  const third = Math.ceil(table.numRows / 3);
  const partials = [0, 1, 2].map((i) => partialAggregate(table.slice(i * third, (i + 1) * third), keys, AGGS));
  for (const [how, got] of [['one step', aggregateRows([table], keys, AGGS)], ['two steps', finalAggregate(partials, keys, AGGS)]] as const) {
    const out = blockToRows(got);
    assert.equal(out.length, want.length, `${label} ${how}: number of groups`);
    out.forEach((r, i) => {
      for (const [c, v] of Object.entries(want[i]!)) close(r[c], v, `${label} ${how}: group ${i} ${c}`);
    });
  }
}

function table(cols: Record<string, { type: DataType; values: unknown[] }>): Table {
  return new Table(Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, vectorFromArray(c.values as never, c.type)])));
}

const N = 3000;
const rnd = seededRandom(99);
const vals = Array.from({ length: N }, (_, i) => (i % 11 === 0 ? null : Math.round((rnd() * 200 - 100) * 100) / 100));

test('integer keys (direct table), float values with nulls', () => {
  check(table({ k: { type: new Int32(), values: Array.from({ length: N }, () => Math.floor(rnd() * 50) - 10) }, v: { type: new Float64(), values: vals } }), ['k'], 'int32');
});

test('float keys with NaN, -0 and nulls (hash table)', () => {
  const keys = Array.from({ length: N }, (_, i) => (i % 17 === 0 ? null : i % 13 === 0 ? NaN : i % 19 === 0 ? -0 : Math.floor(rnd() * 40) / 4));
  check(table({ k: { type: new Float64(), values: keys }, v: { type: new Float64(), values: vals } }), ['k'], 'float');
});

test('wide-range integer keys switch from the direct table to hashing', () => {
  const keys = Array.from({ length: N }, (_, i) => (i < N / 2 ? i % 7 : (i % 7) * 100_000_000));
  check(table({ k: { type: new Float64(), values: keys }, v: { type: new Int32(), values: vals.map((v) => (v === null ? null : Math.round(v))) } }), ['k'], 'wide');
});

test('string keys, dictionary keys and multi-column keys', () => {
  const words = ['apple', 'pear', 'fig', '', 'äpfel', null];
  const s = Array.from({ length: N }, () => words[Math.floor(rnd() * words.length)]!);
  check(table({ k: { type: new Utf8(), values: s }, v: { type: new Float64(), values: vals } }), ['k'], 'utf8');
  check(table({ k: { type: new Dictionary(new Utf8(), new Int32()), values: s }, v: { type: new Float64(), values: vals } }), ['k'], 'dictionary');
  const ints = Array.from({ length: N }, () => Math.floor(rnd() * 5));
  check(table({ a: { type: new Utf8(), values: s }, b: { type: new Int32(), values: ints }, v: { type: new Float64(), values: vals } }), ['a', 'b'], 'multi');
});

test('numeric dictionary keys: blocks sliced from one batch share a dictionary; with null keys, groups in order of appearance', () => {
  const zones = Array.from({ length: N }, (_, i) => (i % 13 === 5 ? null : (i * 37) % 41) as number | null);
  const t = table({ k: { type: new Dictionary(new Int32(), new Int32()), values: zones }, v: { type: new Float64(), values: vals } });
  check(t, ['k'], 'numeric dictionary');
  // Without null keys the map side aggregates per dictionary entry, then merges into groups.
  const dense = zones.map((z, i) => z ?? i % 7);
  check(table({ k: { type: new Dictionary(new Int32(), new Int32()), values: dense }, v: { type: new Float64(), values: vals } }), ['k'], 'dictionary entries');
  const words = ['b', 'a', 'c', 'a'];
  check(table({ k: { type: new Dictionary(new Utf8(), new Int32()), values: dense.map((z) => words[z % 4]!) }, v: { type: new Int32(), values: vals.map((v) => (v === null ? null : Math.round(v))) } }), ['k'], 'string dictionary entries');
  const first = partialAggregate(t.slice(0, 500), ['k'], [new Count().spec]);
  const seen: unknown[] = [];
  for (const z of zones.slice(0, 500)) if (!seen.includes(z)) seen.push(z);
  assert.deepEqual(blockToRows(first).map((r) => r.k), seen);
});

test('int64 keys and values (including beyond 2^53), whole-table aggregation', () => {
  const big = [1n, -5n, 2n ** 60n, 2n ** 60n + 1n, null];
  const k = Array.from({ length: N }, (_, i) => big[i % big.length]!);
  const v = Array.from({ length: N }, (_, i) => (i % 9 === 0 ? null : BigInt(i % 1000) - 500n));
  const t = table({ k: { type: new Int64(), values: k }, v: { type: new Int64(), values: v } });
  const out = blockToRows(aggregateRows([t], ['k'], [new Count().spec, new Sum('v').spec]));
  assert.deepEqual(out.map((r) => r.k), [-5n, 1n, 2n ** 60n, 2n ** 60n + 1n, null]);
  assert.equal(out.reduce((s, r) => s + (r['count()'] as number), 0), N);
  const want = reference(blockToRows(t), ['k']);
  out.forEach((r, i) => close(r['sum(v)'], want[i]!['sum(v)'], `sum of group ${i}`));
  check(table({ v: { type: new Float64(), values: vals } }), [], 'no keys');
});

test('min and max of strings and bigints keep their type', () => {
  const t = table({ g: { type: new Int32(), values: [1, 1, 2, 2, 2] }, s: { type: new Utf8(), values: ['b', 'a', null, 'z', 'y'] }, b: { type: new Int64(), values: [5n, -3n, 7n, null, 9n] } });
  const aggs = [new Min('s').spec, new Max('s').spec, new Min('b').spec, new Max('b').spec];
  const parts = [partialAggregate(t.slice(0, 3), ['g'], aggs), partialAggregate(t.slice(3), ['g'], aggs)];
  assert.deepEqual(blockToRows(finalAggregate(parts, ['g'], aggs)), [
    { g: 1, 'min(s)': 'a', 'max(s)': 'b', 'min(b)': -3n, 'max(b)': 5n },
    { g: 2, 'min(s)': 'y', 'max(s)': 'z', 'min(b)': 7n, 'max(b)': 9n },
  ]);
});
