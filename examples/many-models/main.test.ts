/**
 * Runs the many-models example at small size as its own process (as a user would)
 * and checks what it prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

/** `model -> "R² RMSE"` from the progress lines of one section of the output. */
function progressScores(section: string): Map<number, string> {
  const scores = new Map<number, string>();
  for (const m of section.matchAll(/^\s+\[\s*\d+\/20\] model\s+(\d+)\s+nEstimators=\d+\s+R²=(\S+)\s+RMSE=(\S+)/gm)) {
    scores.set(Number(m[1]), `${m[2]} ${m[3]}`);
  }
  return scores;
}

test('many-models --small trains 20 models in parallel and sequentially, with the same scores', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--small'], {
    timeout: 110_000, // the example must exit by itself; execFile rejects if it is killed or fails
  });
  const [, parallelPart, sequentialPart] = stdout.split(/^(?:Parallel|Sequential): /m);
  assert.ok(parallelPart && sequentialPart, `no Parallel/Sequential sections in:\n${stdout}`);

  // Progress: every model reported once in each run, with identical scores (seeded training).
  const parallel = progressScores(parallelPart);
  const sequential = progressScores(sequentialPart);
  assert.equal(parallel.size, 20, stdout);
  assert.deepEqual(parallel, sequential);

  // Table: 20 models with finite scores, all marked the same in both runs.
  const rows = [...stdout.matchAll(/^\s*(\d+)\s+(\d+)\s+(-?\d+\.\d+)\s+(\d+\.\d+)\s+(yes|NO)$/gm)]
    .map((m) => ({ model: Number(m[1]), r2: Number(m[3]), rmse: Number(m[4]), same: m[5] }));
  assert.deepEqual(rows.map((r) => r.model), Array.from({ length: 20 }, (_, i) => i + 1));
  for (const r of rows) {
    assert.ok(Number.isFinite(r.r2) && Number.isFinite(r.rmse) && r.rmse > 0, `bad scores for model ${r.model}`);
    assert.equal(r.same, 'yes', `model ${r.model} scored differently in parallel and sequentially`);
  }
  assert.match(stdout, /^Parallel and sequential scores agree: yes \(20\/20\)$/m);

  // Best model: the one with the highest R² in the table.
  const best = /^Best model: model (\d+) with \d+ trees, R²=(-?\d+\.\d+)/m.exec(stdout);
  assert.ok(best, stdout);
  const top = Math.max(...rows.map((r) => r.r2));
  assert.equal(Number(best[2]), top);
  assert.equal(rows.find((r) => r.model === Number(best[1]))?.r2, top);

  // Times and speedup.
  const times = /^Parallel (\d+\.\d+) s, sequential (\d+\.\d+) s, speedup (\d+\.\d+)x on \d+ CPUs$/m.exec(stdout);
  assert.ok(times, stdout);
  assert.ok(Number(times[1]) > 0 && Number(times[2]) > 0 && Number(times[3]) > 0);
});
