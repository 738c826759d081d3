// The dispatch bookkeeping of streamingSplit: with `equal`, every consumer ends up with
// the same number of rows whatever the block sizes and the order consumers ask in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputSplitter } from '../src/output-splitter.js';
import { seededRandom } from '../src/execution/all-to-all/sort-key.js';

test('equal: consumers get the same rows; cuts cover each row at most once; the remainder is dropped', () => {
  const rand = seededRandom(11);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rand() * 4);
    const sizes = Array.from({ length: Math.floor(rand() * 12) }, () => 1 + Math.floor(rand() * 50));
    const s = new OutputSplitter<number>(n, true);
    sizes.forEach((rows, i) => s.add({ item: i, rows }, Math.floor(rand() * n)));
    const before = s.queues.map((q) => q.reduce((t, p) => t + p.rows, 0));
    const { cuts, dropped } = s.finish();
    const total = sizes.reduce((a, b) => a + b, 0);
    const each = Math.floor(total / n);
    assert.deepEqual(s.rowsOut, new Array(n).fill(each), `sizes ${sizes} n ${n}`);
    cuts.forEach((c) => (before[c.split]! += c.end - c.start));
    assert.deepEqual(before, new Array(n).fill(each));
    // Rows of every block are given at most once, and dropped blocks were not given at all.
    const given = new Map<number, number>();
    for (const q of s.queues) for (const p of q) if (!cuts.some((c) => c.item === p.item)) given.set(p.item, (given.get(p.item) ?? 0) + p.rows);
    for (const c of cuts) given.set(c.item, (given.get(c.item) ?? 0) + c.end - c.start);
    for (const [item, rows] of given) assert.ok(rows <= sizes[item]!, `block ${item} given ${rows} of ${sizes[item]} rows`);
    for (const d of dropped) assert.equal(given.get(d), undefined);
    assert.equal([...given.values()].reduce((a, b) => a + b, 0), each * n);
  }
});

test('without equal, a block goes to the consumer that asked for it', () => {
  const s = new OutputSplitter<string>(2, false);
  s.add({ item: 'a', rows: 5 }, 1);
  s.add({ item: 'b', rows: 3 }, 0);
  assert.deepEqual(s.queues.map((q) => q.map((p) => p.item)), [['b'], ['a']]);
  assert.deepEqual(s.finish(), { cuts: [], dropped: [] });
});
