/**
 * Runs the batch-inference example as its own process (as a user would) on 20,000 rows
 * and checks what it prints against an independent count of the rows the filter keeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readingsOf } from './pipeline.js';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const ROWS = 20_000;
const MIN_QUALITY = 0.4;
const num = (s: string) => Number(s.replaceAll(',', ''));

test('batch-inference reads, filters, adds a column, predicts on 2 actors, writes and verifies', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--rows', String(ROWS), '--min-quality', String(MIN_QUALITY)], {
    timeout: 110_000, // the example must exit by itself; execFile rejects if it is killed or exits non-zero
  });
  const quality = readingsOf(Int32Array.from({ length: ROWS }, (_, i) => i)).quality as Float64Array;
  const kept = quality.filter((q) => q >= MIN_QUALITY).length;
  assert.ok(kept > 0 && kept < ROWS, 'the filter keeps some rows and drops others');

  assert.match(stdout, new RegExp(`^input: ${ROWS.toLocaleString('en-US')} rows written to \\d+ Parquet files$`, 'm'));
  assert.match(stdout, /^pipeline: ReadParquet->Filter\(goodQuality\)->MapBatches\(addFeatures\) -> MapBatches\(OnnxPredictor\)\[actors=2\] -> WriteParquet$/m);
  const written = /^ {2}rows are exactly the readings with quality >= ([\d.]+): yes \(([\d,]+) written, ([\d,]+) expected\)$/m.exec(stdout);
  assert.ok(written, stdout);
  assert.equal(Number(written[1]), MIN_QUALITY);
  assert.equal(num(written[2]!), kept);
  assert.equal(num(written[3]!), kept);
  const actors = /^model ran in (\d+) actor processes \(pids ([\d, ]+)\)$/m.exec(stdout);
  assert.ok(actors, stdout);
  assert.equal(Number(actors[1]), 2, 'both actors of the pool ran the model');
  assert.ok(!actors[2]!.split(', ').map(Number).includes(process.pid));
  assert.match(stdout, /^ {2}added column x3 and the other columns are right: yes$/m);
  assert.match(stdout, /^ {2}scores equal onnxruntime run directly in this process: yes \(max \|difference\| 0\)$/m);
  assert.match(stdout, /^ {2}labels agree: yes$/m);
  assert.match(stdout, /^verified: yes$/m);
  const out = /^output: predictions written to (\d+) Parquet files in ([\d.]+) s \(([\d,]+) input rows\/s\)$/m.exec(stdout);
  assert.ok(out && Number(out[1]) > 0 && Number(out[2]) > 0, stdout);
});
