// Progress bars: one per operator on a terminal (cli-progress on stderr), nothing when
// stderr is not a terminal or DataContext.enableProgressBars is false.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

/** Runs `fn` with stderr looking like a terminal (or not) and returns what was written to it. */
async function captureStderr(isTTY: boolean, fn: () => Promise<unknown>): Promise<string> {
  const err = process.stderr as NodeJS.WriteStream & { isTTY: boolean };
  const had = Object.getOwnPropertyDescriptor(err, 'isTTY');
  const write = err.write;
  let out = '';
  err.isTTY = isTTY;
  err.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof err.write;
  try {
    await fn();
  } finally {
    err.write = write;
    if (had) Object.defineProperty(err, 'isTTY', had);
    else delete (err as { isTTY?: boolean }).isTTY;
  }
  return out;
}

test('a terminal gets a bar per operator with its rows; a pipe or enableProgressBars=false gets nothing', async () => {
  const ds = () => data.range(1000, { overrideNumBlocks: 4 }).map(udfs.addDouble).mapBatches(udfs.Tagger, { concurrency: 1, fnConstructorArgs: ['p'] });
  const tty = await captureStderr(true, () => ds().materialize());
  assert.match(tty, /ReadRange->Map\(addDouble\)\s*\| 1000 rows, \d+ blocks, \d+ tasks/);
  assert.match(tty, /MapBatches\(Tagger\)\s*\| 1000 rows/);
  assert.equal(await captureStderr(false, () => ds().materialize()), '');
  const ctx = data.DataContext.getCurrent();
  ctx.enableProgressBars = false;
  try {
    assert.equal(await captureStderr(true, () => ds().materialize()), '');
  } finally {
    ctx.enableProgressBars = true;
  }
});
