import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { render, table } from './state-format.js';

test('yaml output parses back to the same value', () => {
  const v = { rows: [{ taskId: 't1', state: 'RUNNING', n: 3, ok: true, res: { CPU: 1 }, events: [{ state: 'RUNNING', ts: 1 }], empty: [] }], total: 1, s: 'a: b', num: '123' };
  assert.deepEqual(parse(render(v, 'yaml')), v);
});

test('table aligns the union of the columns', () => {
  const t = table([{ a: 1, b: 'x' }, { a: 22, c: true }]).split('\n');
  assert.equal(t[0], 'A   B  C');
  assert.equal(t[2], '22     true');
});
