// Pure parts of the executor: block building, slicing plans, key ranges, two-step
// aggregation and the optimizer rules, without running tasks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { blockToRows, concatBlocks, takeRows } from '../src/block/block-accessor.js';
import { rowsToBlock } from '../src/block/block-builder.js';
import { planSlices, slicesFor } from '../src/execution/physical/slice-plan.js';
import { boundariesFromSamples, rangeIndex, sortBlock } from '../src/execution/all-to-all/sort-key.js';
import { finalAggregate, partialAggregate } from '../src/execution/all-to-all/aggregate-states.js';
import { optimize } from '../src/logical/optimizer.js';
import { explainPlan, type LogicalOp } from '../src/logical/plan.js';
import { Count, Mean, Std } from '../src/index.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('rows to blocks and back, with inferred and hinted types', () => {
  const b = rowsToBlock([{ a: 1, s: 'x', f: true, l: [1, 2], o: { k: 1 } }, { a: 2.5, s: null, f: false, l: [], o: { k: 2 } }]);
  assert.deepEqual(b.schema.fields.map((f) => `${f.name}:${f.type}`), ['a:Float64', 's:Utf8', 'f:Bool', 'l:List<Float64>', 'o:Struct<{k:Float64}>']);
  const rows = blockToRows(b);
  assert.deepEqual(rows.map((r) => [r.a, r.s, r.f, Array.from(r.l as ArrayLike<number>), r.o]), [[1, 'x', true, [1, 2], { k: 1 }], [2.5, null, false, [], { k: 2 }]]);
  const hinted = rowsToBlock([{ id: 1 }], rowsToBlock([{ id: 0 }]).schema);
  assert.equal(String(hinted.schema.fields[0]!.type), 'Float64');
  assert.throws(() => rowsToBlock([{ a: 1 }, { a: 'x' }]), /column 'a' mixes number and string/);
  const joined = concatBlocks([rowsToBlock([{ a: 1 }]), rowsToBlock([{ a: 2 }, { a: 3 }])]);
  assert.deepEqual(blockToRows(takeRows(joined, [2, 0])), [{ a: 3 }, { a: 1 }]);
});

test('slice plans cut blocks by global row ranges', () => {
  assert.deepEqual(slicesFor([3, 3, 4], 2, 7), [{ block: 0, start: 2, end: 3 }, { block: 1, start: 0, end: 3 }, { block: 2, start: 0, end: 1 }]);
  assert.deepEqual(planSlices([10], 3).map((p) => p.map((s) => s.end - s.start)), [[3], [3], [4]]);
});

test('range boundaries from samples, and sorting a block', () => {
  const key = { columns: ['k'], descending: [false] };
  const samples = Array.from({ length: 100 }, (_, i) => [i]);
  const bounds = boundariesFromSamples(samples, 4, key);
  assert.deepEqual(bounds, [[25], [50], [75]]);
  assert.deepEqual([0, 25, 49, 99].map((k) => rangeIndex([k], bounds, key.descending)), [0, 1, 1, 3]);
  const sorted = sortBlock(rowsToBlock([{ k: 3 }, { k: null }, { k: 1 }, { k: 2 }]), key);
  assert.deepEqual(blockToRows(sorted).map((r) => r.k), [1, 2, 3, null]);
});

test('partial aggregation states merge to the same result as one pass', () => {
  const rows = Array.from({ length: 20 }, (_, i) => ({ g: i % 3, v: i }));
  const aggs = [new Count().spec, new Mean('v').spec, new Std('v').spec];
  const parts = [partialAggregate(rowsToBlock(rows.slice(0, 7)), ['g'], aggs), partialAggregate(rowsToBlock(rows.slice(7)), ['g'], aggs)];
  const merged = blockToRows(finalAggregate(parts, ['g'], aggs));
  assert.deepEqual(blockToRows(finalAggregate([concatBlocks(parts)], ['g'], aggs)), merged);
  const whole = blockToRows(finalAggregate([partialAggregate(rowsToBlock(rows), ['g'], aggs)], ['g'], aggs));
  assert.equal(merged.length, 3);
  merged.forEach((r, i) => {
    assert.equal(r.g, i);
    assert.equal(r['count()'], whole[i]!['count()']);
    assert.ok(Math.abs((r['mean(v)'] as number) - (whole[i]!['mean(v)'] as number)) < 1e-12);
    assert.ok(Math.abs((r['std(v)'] as number) - (whole[i]!['std(v)'] as number)) < 1e-12);
  });
});

test('optimizer: fusion, limit pushdown, projection pushdown', () => {
  const read: LogicalOp = { kind: 'read', name: 'ReadX', datasource: { name: 'ReadX', plan: async () => [] }, readOptions: {}, stages: [] };
  const map = (input: LogicalOp, name: string, kind: 'map' | 'filter' = 'map'): LogicalOp => ({
    kind: 'map', name, input, stages: [{ kind, name, fn: () => ({}) }], compute: { kind: 'tasks' }, resources: { numCpus: 1, numGpus: 0 },
  });
  const plan: LogicalOp = { kind: 'limit', name: 'Limit[3]', n: 3, input: map(map(read, 'Map(a)'), 'Map(b)') };
  assert.equal(explainPlan(optimize(plan)), 'Map(a)->Map(b)\n +- Limit[3]\n    +- ReadX[limit=3]');
  const filtered: LogicalOp = { kind: 'limit', name: 'Limit[3]', n: 3, input: map(read, 'Filter(f)', 'filter') };
  assert.equal(explainPlan(optimize(filtered)), 'Limit[3]\n +- ReadX->Filter(f)');
  const projected: LogicalOp = {
    kind: 'map', name: 'SelectColumns', input: read, stages: [{ kind: 'project', name: 'SelectColumns', select: ['a'] }], compute: { kind: 'tasks' }, resources: { numCpus: 1, numGpus: 0 },
  };
  assert.equal(explainPlan(optimize(projected)), 'ReadX[columns=[a]]->SelectColumns');
});
