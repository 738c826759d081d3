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

/** Tune's final table: `nEstimators -> { status, iter, r2 }` (r2 with 4 decimals, as the table prints it). */
function tuneTable(stdout: string): Map<number, { status: string; iter: number; r2: string }> {
  const rows = new Map<number, { status: string; iter: number; r2: string }>();
  for (const m of stdout.matchAll(/^│ \w+_\d{5}\s+│ (\w+)\s+│ (\d+)\s+│ (\d+)\s+│ [\d.]+\s+│ (-?[\d.]+)\s+│$/gm)) {
    rows.set(Number(m[2]), { status: m[1]!, iter: Number(m[3]), r2: m[4]! });
  }
  return rows;
}

test('many-models --small trains 20 models in parallel, sequentially and as a Tune sweep, with the same scores', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--small'], {
    timeout: 110_000, // the example must exit by itself; execFile rejects if it is killed or fails
  });
  const [, parallelPart, sequentialPart, tunePart] = stdout.split(/^(?:Parallel|Sequential|Tune): /m);
  assert.ok(parallelPart && sequentialPart && tunePart, `no Parallel/Sequential/Tune sections in:\n${stdout}`);

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

  // Tune: one trial per tree count, each reported once, with the tasks' score; the same best model.
  assert.match(tunePart, /^the same 20 models as a grid search over nEstimators, metric R² \(r2\), mode max$/m);
  const table = tuneTable(tunePart);
  assert.deepEqual([...table.keys()].sort((a, b) => a - b), rows.map((r) => r.model), `Tune's table:\n${tunePart}`); // --small: model i has i trees
  for (const r of rows) {
    const t = table.get(r.model)!;
    assert.equal(t.status, 'TERMINATED');
    assert.equal(t.iter, 1);
    assert.ok(Math.abs(Number(t.r2) - r.r2) <= 5.1e-5, `model ${r.model}: Tune's R² ${t.r2}, the tasks' ${r.r2}`);
  }
  assert.match(stdout, /^Tune: 20\/20 trials terminated, 0 errors, \d+\.\d+ s$/m);
  const tuneBest = /^Best config: \{"nEstimators":(\d+),"treeStep":1,"samples":200\} \(trial \w+\): model (\d+), R²=(-?\d+\.\d+), RMSE=(\d+\.\d+)$/m.exec(stdout);
  assert.ok(tuneBest, stdout);
  assert.equal(tuneBest[2], best[1], 'Tune picked the same model as the tasks');
  assert.equal(Number(tuneBest[3]), top);
  assert.match(stdout, /^Tune's and the tasks' scores agree: yes \(20\/20\)$/m);
  assert.match(stdout, /^Tune's best is the tasks' best model: yes \(model \d+, \d+ trees, R²=-?\d+\.\d+\)$/m);
});

test('many-models --skip tasks runs the Tune sweep alone', { timeout: 60_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', main, '--small', '--skip', 'tasks'], { timeout: 50_000 });
  assert.doesNotMatch(stdout, /^(?:Parallel|Sequential):/m);
  assert.equal(tuneTable(stdout).size, 20, stdout);
  assert.match(stdout, /^Tune: 20\/20 trials terminated, 0 errors/m);
  assert.match(stdout, /^Best config: \{"nEstimators":\d+,/m);
  assert.doesNotMatch(stdout, /^Tune's (?:best is|and) the tasks'/m, 'nothing to compare with');
});
