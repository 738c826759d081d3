import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BasicVariantGenerator, generateVariants, SearchSpaceError, tune } from '../src/index.js';

test('grid × numSamples covers the grid, first axis slowest', () => {
  const v = generateVariants({ a: tune.gridSearch([1, 2]), nested: { b: tune.gridSearch(['x', 'y', 'z']) }, c: 7 }, 2, 1);
  assert.equal(v.length, 12);
  assert.deepEqual(v.slice(0, 3).map((c) => [c.a, (c.nested as { b: string }).b, c.c]), [[1, 'x', 7], [1, 'y', 7], [1, 'z', 7]]);
  const seen = new Set(v.slice(0, 6).map((c) => `${c.a}${(c.nested as { b: string }).b}`));
  assert.equal(seen.size, 6);
});

test('random domains respect their bounds and the seed', () => {
  const space = {
    u: tune.uniform(-1, 1),
    qu: tune.quniform(0, 10, 0.5),
    lu: tune.loguniform(1e-4, 1e-1),
    qlu: tune.qloguniform(1, 1000, 5),
    ri: tune.randint(3, 6),
    rn: tune.randn(10, 0.1),
    ch: tune.choice(['a', 'b']),
    deep: { list: [tune.uniform(5, 6), 'k'] },
    derived: tune.sampleFrom((c) => (c.ri as number) * 2),
  };
  const a = generateVariants(space, 200, 42);
  const b = generateVariants(space, 200, 42);
  assert.deepEqual(a, b);
  assert.notDeepEqual(generateVariants(space, 5, 43), a.slice(0, 5));
  for (const c of a) {
    const n = (k: string) => c[k] as number;
    assert.ok(n('u') >= -1 && n('u') < 1);
    assert.ok(n('qu') >= 0 && n('qu') <= 10 && Number.isInteger(n('qu') * 2));
    assert.ok(n('lu') >= 1e-4 && n('lu') < 1e-1);
    assert.ok(n('qlu') >= 1 && n('qlu') <= 1000 && (n('qlu') % 5 === 0 || n('qlu') === 1));
    assert.ok([3, 4, 5].includes(n('ri')));
    assert.ok(Math.abs(n('rn') - 10) < 1);
    assert.ok(['a', 'b'].includes(c.ch as string));
    const list = (c.deep as { list: [number, string] }).list;
    assert.ok(list[0] >= 5 && list[0] < 6 && list[1] === 'k');
    assert.equal(c.derived, n('ri') * 2);
  }
  assert.deepEqual(new Set(a.map((c) => c.ri)), new Set([3, 4, 5]));
  const gen = new BasicVariantGenerator({ seed: 42 });
  gen.setup({ paramSpace: space, numSamples: 2 });
  assert.deepEqual(gen.suggest('t0'), a[0]);
  assert.ok(gen.suggest('t1'));
  assert.equal(gen.suggest('t2'), null);
});

test('bad spaces throw errors that name the path or argument', () => {
  assert.throws(() => tune.uniform(2, 1), /uniform\(lower, upper\) needs lower < upper/);
  assert.throws(() => tune.loguniform(0, 1), RangeError);
  assert.throws(() => tune.randint(1.5, 3), TypeError);
  assert.throws(() => tune.choice([]), TypeError);
  assert.throws(() => tune.quniform(0, 1, -1), /q\) must be > 0/);
  assert.throws(() => tune.gridSearch('ab' as never), TypeError);
  assert.throws(
    () => generateVariants({ model: { lr: (x: number) => x } }, 1, 1),
    (e: unknown) => e instanceof SearchSpaceError && e.path === 'model.lr' && /sampleFrom/.test(e.message),
  );
  assert.throws(() => generateVariants({ a: tune.sampleFrom(() => { throw new Error('nope'); }) }, 1, 1), (e: unknown) => e instanceof SearchSpaceError && e.path === 'a');
});
