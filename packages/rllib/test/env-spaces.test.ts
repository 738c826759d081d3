// Spaces (box, discrete, contains, sample, flatDim, flatten) and the seeded Rng.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOAT32_MAX, Rng, box, contains, describeSpace, discrete, flatDim, flatten, npRandom, sample, spaceEquals } from '../src/env/index.js';

test('box: shapes, broadcasting, float32 bounds and field-naming errors', () => {
  const b = box(-1, 1, [2, 3]);
  assert.deepEqual(b.shape, [2, 3]);
  assert.equal(b.low.length, 6);
  assert.ok(Object.isFrozen(b));
  const c = box([0, -2], [1, 2]);
  assert.deepEqual(c.shape, [2]);
  assert.deepEqual(Array.from(c.high), [1, 2]);
  assert.equal(box(0.1, 0.2, [1]).low[0], Math.fround(0.1));
  assert.throws(() => box(0, 1), (e) => e instanceof TypeError && /shape/.test(e.message));
  assert.throws(() => box([0, 0], [1], undefined), (e) => e instanceof RangeError && /high/.test(e.message));
  assert.throws(() => box(1, 0, [1]), (e) => e instanceof RangeError && /low must be <= high/.test(e.message));
  assert.throws(() => box(0, 1, [0]), (e) => e instanceof RangeError && /shape/.test(e.message));
  assert.throws(() => box(0, 1.5, [1], 'int32'), (e) => e instanceof RangeError && /high\[0\]/.test(e.message));
  assert.throws(() => box(0, 1, [1], 'float64' as 'float32'), (e) => e instanceof TypeError && /dtype/.test(e.message));
  assert.throws(() => box(Number.NaN, 1, [1]), (e) => e instanceof RangeError && /low/.test(e.message));
});

test('discrete: validation and contains', () => {
  const d = discrete(3, 1);
  assert.deepEqual([d.n, d.start], [3, 1]);
  assert.ok(contains(d, 1) && contains(d, 3));
  assert.ok(!contains(d, 0) && !contains(d, 4) && !contains(d, 1.5) && !contains(d, '1'));
  assert.throws(() => discrete(0), (e) => e instanceof RangeError && /\bn\b/.test(e.message));
  assert.throws(() => discrete(2, 0.5), (e) => e instanceof RangeError && /start/.test(e.message));
});

test('contains for boxes checks length, bounds, NaN and integrality', () => {
  const b = box(-1, 1, [2]);
  assert.ok(contains(b, Float32Array.of(-1, 1)));
  assert.ok(contains(b, [0, 0.5]));
  assert.ok(!contains(b, Float32Array.of(0)));
  assert.ok(!contains(b, Float32Array.of(0, 1.5)));
  assert.ok(!contains(b, Float32Array.of(0, Number.NaN)));
  assert.ok(!contains(b, 0));
  const i = box(0, 3, [1], 'int32');
  assert.ok(contains(i, [2]) && !contains(i, [2.5]));
});

test('sample stays in the space and is deterministic for a seed', () => {
  const rng = new Rng(0);
  const spaces = [box(-2, 2, [3]), box([0, -FLOAT32_MAX], [FLOAT32_MAX, 5]), box(-FLOAT32_MAX, FLOAT32_MAX, [2]), box(0, 4, [2], 'int32'), discrete(5, 2)];
  for (const s of spaces) for (let k = 0; k < 500; k++) assert.ok(contains(s, sample(s, rng)), describeSpace(s));
  const counts = new Array(5).fill(0);
  for (let k = 0; k < 5000; k++) counts[sample(discrete(5), rng)]++;
  assert.ok(counts.every((c) => c > 850 && c < 1150), `uniform-ish: ${counts}`);
  const ints = new Set<number>();
  for (let k = 0; k < 200; k++) ints.add(sample(box(0, 4, [1], 'int32'), rng)[0]!);
  assert.deepEqual([...ints].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual(sample(box(-1, 1, [4]), new Rng(9)), sample(box(-1, 1, [4]), new Rng(9)));
});

test('flatDim and flatten (Box as is, Discrete one-hot); spaceEquals', () => {
  assert.equal(flatDim(box(0, 1, [2, 3])), 6);
  assert.equal(flatDim(discrete(4)), 4);
  assert.deepEqual(Array.from(flatten(discrete(4, 1), 3)), [0, 0, 1, 0]);
  const out = new Float32Array(5).fill(9);
  flatten(box(0, 1, [2]), [0.25, 0.5], out, 3);
  assert.deepEqual(Array.from(out), [9, 9, 9, 0.25, 0.5]);
  assert.ok(spaceEquals(box(0, 1, [2]), box([0, 0], [1, 1])));
  assert.ok(!spaceEquals(box(0, 1, [2]), box(0, 2, [2])));
  assert.ok(!spaceEquals(discrete(2), box(0, 1, [2])));
  assert.equal(describeSpace(discrete(2)), 'Discrete(2)');
  assert.equal(describeSpace(box(-2, 2, [1])), 'Box(-2, 2, [1], float32)');
});

test('Rng: seeded streams are reproducible, distinct per seed, and restorable from plain state', () => {
  const a = new Rng(123);
  const b = new Rng(123);
  const xs = Array.from({ length: 10 }, () => a.random());
  assert.deepEqual(xs, Array.from({ length: 10 }, () => b.random()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs, Array.from({ length: 10 }, () => new Rng(124).random()));
  const st = a.getState();
  const next = a.uniform(-1, 1);
  assert.equal(Rng.fromState(JSON.parse(JSON.stringify(st))).uniform(-1, 1), next);
  const [r, seed] = npRandom();
  assert.ok(Number.isSafeInteger(seed) && r.seed === seed);
  let sum = 0;
  let sq = 0;
  const n = 20000;
  for (let k = 0; k < n; k++) {
    const v = a.normal();
    sum += v;
    sq += v * v;
  }
  assert.ok(Math.abs(sum / n) < 0.05 && Math.abs(sq / n - 1) < 0.05);
  for (let k = 0; k < 1000; k++) {
    const v = a.integers(-3, 4);
    assert.ok(Number.isInteger(v) && v >= -3 && v < 4);
  }
  assert.throws(() => new Rng(-1), (e) => e instanceof RangeError && /seed/.test(e.message));
  assert.throws(() => a.integers(2, 2), RangeError);
});
