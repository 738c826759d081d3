/** Train's progress reporter: a live line on a TTY, plain lines otherwise (runConfig.verbose). */
import * as ray from '@ray-ts/core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataParallelTrainer, TrainProgressReporter, formatElapsed, formatMetrics } from '../src/index.js';
import { scoreLoop } from './fixtures/train-loops.js';

/** A fake stderr that records writes. */
function sink(isTTY: boolean, columns?: number): { isTTY: boolean; columns?: number; text: string; write(chunk: string): boolean } {
  const s = { isTTY, columns, text: '', write: (chunk: string) => ((s.text += chunk), true) };
  return s;
}

const run = { name: 'mlp', path: '/tmp/mlp', config: {} };
const report = (iteration: number, metrics: Record<string, unknown>) => ({ iteration, metrics, timestamp: Date.now() });

test('formatting: elapsed as m:ss or h:mm:ss; scalar metrics only, epoch aside, at most maxMetrics', () => {
  assert.equal(formatElapsed(0), '0:00');
  assert.equal(formatElapsed(83_400), '1:23');
  assert.equal(formatElapsed(3_725_000), '1:02:05');
  assert.equal(formatMetrics({ epoch: 2, loss: 0.123456, acc: 1, hist: [1, 2], nested: { a: 1 }, tag: 'x', tiny: 0.00001 }), 'loss=0.1235 acc=1 tag=x tiny=1.000e-5');
  assert.equal(formatMetrics({ a: 1, b: 2, c: 3 }, 2), 'a=1 b=2 …');
});

test('on a TTY: one line redrawn in place per report, ended by a final line with the outcome', () => {
  const out = sink(true, 60);
  const p = new TrainProgressReporter({ stream: out, refreshMs: 60_000 });
  assert.equal(p.enabled, true);
  p.setup(run);
  p.onReport(report(1, { epoch: 0, loss: 0.5 }));
  p.onReport(report(2, { epoch: 1, loss: 0.25, accuracy: 0.75 }));
  p.teardown({ metrics: { loss: 0.25 } });
  const frames = out.text.split('\r\x1b[2K').filter(Boolean);
  assert.equal(frames.length, 4, 'setup, 2 reports, the end');
  assert.match(frames[0]!, /^\[train mlp\] · starting · 0:00$/);
  assert.match(frames[1]!, /^\[train mlp\] · report 1 · epoch 0 · 0:00 · loss=0\.5000$/);
  assert.match(frames[2]!, /^\[train mlp\] · report 2 · epoch 1 · 0:00 · loss=0\.2500 accu/);
  assert.ok(frames[2]!.length <= 59 && frames[2]!.endsWith('…'), 'cut to the terminal width');
  assert.ok(!frames.slice(0, 3).some((f) => f.includes('\n')), 'no newline until the end');
  assert.match(frames[3]!, /^\[train mlp\] · done · report 2 · .*\n$/, 'the outcome first: the line is cut at the width');
});

test('not a TTY: nothing at verbose 1 (the default), one plain line per report at verbose 2, nothing at 0', () => {
  const quiet = sink(false);
  const q = new TrainProgressReporter({ stream: quiet });
  q.setup(run);
  q.onReport(report(1, { loss: 1 }));
  q.teardown({});
  assert.equal(quiet.text, '');
  const off = sink(true);
  const o = new TrainProgressReporter({ stream: off, verbose: 0 });
  o.setup(run);
  o.onReport(report(1, { loss: 1 }));
  o.teardown({});
  assert.equal(off.text, '');
  const log = sink(false);
  const l = new TrainProgressReporter({ stream: log, verbose: 2 });
  l.setup(run);
  l.onReport(report(1, { epoch: 0, loss: 1.5 }));
  l.onReport(report(2, { epoch: 1, loss: 0.75 }));
  l.teardown({ error: new Error('worker died\nstack...') });
  const lines = log.text.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^\[train mlp\] · report 1 · epoch 0 · \d+:\d\d · loss=1\.5000$/);
  assert.match(lines[1]!, /^\[train mlp\] · report 2 · epoch 1 · \d+:\d\d · loss=0\.7500$/);
  assert.match(lines[2]!, /^\[train mlp\] · failed: worker died · report 2 · epoch 1 · /);
  assert.equal(lines[3], '');
  assert.doesNotMatch(log.text, /\x1b/, 'no escape codes in logs');
});

test('runConfig.verbose: checked at construction; verbose 2 prints a line per report of a real run to stderr', { timeout: 60_000 }, async () => {
  assert.throws(() => new DataParallelTrainer(scoreLoop, { runConfig: { verbose: 3 as never } }), (e: unknown) => e instanceof RangeError && /runConfig\.verbose/.test(e.message));
  const storagePath = mkdtempSync(join(tmpdir(), 'train-progress-'));
  await ray.init({ numCpus: 2 });
  const write = process.stderr.write;
  let text = '';
  const isTTY = process.stderr.isTTY;
  try {
    process.stderr.isTTY = false;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      text += String(chunk);
      return (write as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
    }) as typeof process.stderr.write;
    await new DataParallelTrainer(scoreLoop, { trainLoopConfig: { lr: 1, epochs: 2 }, runConfig: { name: 'verbose2', storagePath, verbose: 2 } }).fit();
  } finally {
    process.stderr.write = write;
    process.stderr.isTTY = isTTY;
    rmSync(storagePath, { recursive: true, force: true });
  }
  const lines = text.split('\n').filter((l) => l.startsWith('[train verbose2]'));
  assert.equal(lines.length, 3, text);
  assert.match(lines[0]!, /report 1 · epoch 0 · .* score=1 workers=1/);
  assert.match(lines[1]!, /report 2 · epoch 1 · .* score=2/);
  assert.match(lines[2]!, /^\[train verbose2\] · done · report 2/);
});

after(() => ray.shutdown());
