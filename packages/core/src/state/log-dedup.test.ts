import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogDeduplicator } from './log-dedup.js';

function setup(enabled = true) {
  let now = 0;
  const lines: string[] = [];
  const d = new LogDeduplicator((t) => lines.push(t.trimEnd()), 1000, enabled, () => now);
  return { d, lines, advance: (ms: number) => (now += ms) };
}

test('a line from several workers is printed once, then summarised when the window closes', () => {
  const { d, lines, advance } = setup();
  d.push('(f pid=1)', 'hello', '1');
  d.push('(f pid=2)', 'hello', '2');
  d.push('(f pid=3)', 'hello', '3');
  d.push('(f pid=1)', 'other', '1');
  assert.deepEqual(lines.filter((l) => !l.startsWith('[ray-ts]')), ['(f pid=1) hello', '(f pid=1) other']);
  advance(1500);
  d.expire();
  assert.ok(lines.includes('(f pid=3) hello [repeated 2x across cluster]'), lines.join('\n'));
});

test('one process repeating itself is not deduplicated; a single copy is printed as is', () => {
  const { d, lines, advance } = setup();
  d.push('(f pid=1)', 'tick', '1');
  d.push('(f pid=1)', 'tick', '1');
  d.push('(g pid=2)', 'tock', '2');
  d.push('(g pid=3)', 'tock', '3');
  advance(2000);
  d.close();
  assert.deepEqual(lines.filter((l) => !l.startsWith('[ray-ts]')), ['(f pid=1) tick', '(f pid=1) tick', '(g pid=2) tock', '(g pid=3) tock']);
});

test('disabled: every line is printed', () => {
  const { d, lines } = setup(false);
  for (const pid of ['1', '2', '3']) d.push(`(f pid=${pid})`, 'same', pid);
  assert.equal(lines.length, 3);
});
