import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GeneratorBackpressure } from './generator-backpressure.js';

const tick = () => new Promise((r) => setImmediate(r));

test('admit waits while limit items are unconsumed and resumes on acks', async () => {
  const bp = new GeneratorBackpressure();
  const signal = new AbortController().signal;
  bp.open('t');
  await bp.admit('t', 1, 2, signal); // 1 unconsumed < 2: at once
  let resumed = false;
  const p = bp.admit('t', 2, 2, signal).then(() => (resumed = true));
  await tick();
  assert.equal(resumed, false);
  bp.ack('t', 0); // no progress
  await tick();
  assert.equal(resumed, false);
  bp.ack('t', 1);
  await p;
  assert.equal(resumed, true);
  assert.equal(bp.consumed('t'), 1);
  bp.ack('t', 0); // stale acks do not go back
  assert.equal(bp.consumed('t'), 1);
});

test('admit returns when the signal aborts or the stream is closed', async () => {
  const bp = new GeneratorBackpressure();
  const ctl = new AbortController();
  bp.open('a');
  const p = bp.admit('a', 5, 1, ctl.signal);
  ctl.abort();
  await p;
  bp.open('b');
  const q = bp.admit('b', 5, 1, new AbortController().signal);
  bp.close('b');
  await q;
  await bp.admit('unknown', 100, 1, new AbortController().signal);
  bp.ack('unknown', 3);
  assert.equal(bp.consumed('unknown'), 0);
});
