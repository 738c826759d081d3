/** Runs the end-to-end example as its own process (as a user would), small, and checks what each stage prints. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

const ROWS = 800;
const TRIALS = 4;
const EPOCHS = 3;

test('end-to-end: CSV in S3 → Data → Train + Tune (MLflow) → Serve, one command', { timeout: 150_000 }, async () => {
  const env = { ...process.env };
  delete env.MLFLOW_TRACKING_URI; // the loopback recorder, so the calls can be counted
  // The child is killed before the test's own timeout, so no cluster outlives the test.
  const { stdout } = await run(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', main, '--rows', String(ROWS), '--trials', String(TRIALS), '--epochs', String(EPOCHS)],
    { timeout: 140_000, env, maxBuffer: 16 << 20 },
  );
  const line = (re: RegExp) => {
    const m = re.exec(stdout);
    assert.ok(m, `no line matching ${re} in:\n${stdout}`);
    return m;
  };

  // S3: raw CSV files uploaded, and read back by Data.
  line(/^s3: s3rver \(temp directory\) at http:\/\/127\.0\.0\.1:\d+, bucket ray-ts-e2e$/m);
  const raw = line(/^raw: (\d+) rows written as 4 CSV files to s3:\/\/ray-ts-e2e\/raw\/ \(empty cells: plan (\d+), age (\d+), tenure_months (\d+), monthly_charges (\d+), data_gb (\d+), support_calls (\d+), churned (\d+)\)$/m);
  assert.equal(Number(raw[1]), ROWS);
  assert.ok(Number(raw[2]) > 0 && Number(raw[5]) > 0 && Number(raw[6]) > 0, 'the raw data has missing cells');
  const noLabel = Number(raw[8]);
  const missingNumeric = [3, 4, 5, 6, 7].reduce((s, i) => s + Number(raw[i]), 0);

  // Data: rows read from S3, cleaning, split, statistics.
  const d = line(/^data: read (\d+) rows from s3:\/\/ray-ts-e2e\/raw\/; dropped (\d+) without a label; train (\d+), validation (\d+); imputed (\d+) missing numeric cells$/m);
  assert.equal(Number(d[1]), ROWS, 'every row written was read from S3');
  assert.equal(Number(d[2]), noLabel, 'exactly the rows without a label were dropped');
  const [nTrain, nVal] = [Number(d[3]), Number(d[4])];
  assert.equal(nTrain + nVal, ROWS - noLabel);
  assert.equal(nVal, Math.round((ROWS - noLabel) * 0.2));
  assert.ok(Number(d[5]) > 0 && Number(d[5]) <= missingNumeric, `imputed cells (${d[5]}) are among the missing numeric cells (${missingNumeric})`);
  const stats = Object.fromEntries([...line(/^stats: (age mean .*)$/m)[1]!.matchAll(/(\w+) mean ([\d.-]+) std ([\d.]+)/g)].map((m) => [m[1], { mean: Number(m[2]), std: Number(m[3]) }]));
  assert.deepEqual(Object.keys(stats), ['age', 'tenure_months', 'monthly_charges', 'data_gb', 'support_calls']);
  assert.ok(stats.age!.mean > 40 && stats.age!.mean < 58 && stats.age!.std > 12, JSON.stringify(stats.age));
  assert.ok(stats.tenure_months!.mean > 20 && stats.tenure_months!.mean < 45, JSON.stringify(stats.tenure_months));
  assert.ok(stats.monthly_charges!.mean > 35 && stats.monthly_charges!.mean < 65, JSON.stringify(stats.monthly_charges));
  assert.ok(stats.support_calls!.mean > 0.5 && stats.support_calls!.mean < 2, JSON.stringify(stats.support_calls));
  assert.ok(Object.values(stats).every((s) => s.std > 0));
  line(/^stats: plan categories \[basic, premium, standard\]; churn rate in train 0\.\d+$/m);
  line(/^features \(8\): age, tenure_months, monthly_charges, data_gb, support_calls, plan=basic, plan=premium, plan=standard$/m);

  // Train + Tune: 4 trials in the space (1 worker + 1 CPU for data each), ASHA's early stops at a rung,
  // the best trial by its lowest validation loss at any epoch.
  line(/^tune: 4 trials, .*, 1 worker \+ 1 CPU for data per trial, ASHA over 3 epochs/m);
  const trials = [...stdout.matchAll(/^trial (\S+): lr ([\d.e+-]+), hidden (\d+), (\d+) epochs?, val loss ([\d.]+), lowest ([\d.]+) at epoch (\d+), val accuracy ([\d.]+) \((stopped early by ASHA|ran to max epochs)\)$/gm)];
  assert.equal(trials.length, TRIALS, stdout);
  for (const t of trials) {
    const [lr, hidden, epochs] = [Number(t[2]), Number(t[3]), Number(t[4])];
    assert.ok(lr >= 1e-3 * 0.995 && lr <= 0.1 * 1.005, `lr within the space: ${lr}`);
    assert.ok([4, 8, 16, 32].includes(hidden), `hidden within the space: ${hidden}`);
    if (t[9] === 'ran to max epochs') assert.equal(epochs, EPOCHS);
    else assert.ok([1, 2].includes(epochs), `stopped at a rung, got ${epochs}`);
    assert.ok(Number(t[6]) <= Number(t[5]) && Number(t[7]) >= 1 && Number(t[7]) <= epochs, `lowest val loss within the trial's epochs: ${t[0]}`);
  }
  const bestLoss = Math.min(...trials.map((t) => Number(t[6])));
  const bestTrial = trials.find((t) => Number(t[6]) === bestLoss)!;
  const bestConfig = JSON.parse(line(/^best config: (\{.*\})$/m)[1]!) as { trainLoopConfig: { lr: number; hidden: number } };
  assert.equal(bestConfig.trainLoopConfig.lr.toExponential(2), bestTrial[2]);
  assert.equal(bestConfig.trainLoopConfig.hidden, Number(bestTrial[3]));
  const best = line(/^best trial: (\S+), (\d+) epochs, last val loss ([\d.]+)$/m);
  assert.equal(best[1], bestTrial[1], 'the best trial reached the lowest validation loss');
  assert.equal(Number(best[2]), Number(bestTrial[4]));
  assert.equal(best[3], bestTrial[5]);
  // The deployed checkpoint is the best trial's best epoch (getBestCheckpoint), not necessarily its latest.
  const ck = line(/^best checkpoint: epoch (\d+) of (\d+) \(val loss ([\d.]+), val accuracy ([\d.]+)\), checkpoint_(\d{6})(?: \(also the latest\)|, not the latest checkpoint_(\d{6}))$/m);
  const [ckEpoch, ckOf] = [Number(ck[1]), Number(ck[2])];
  assert.equal(ckOf, Number(best[2]));
  assert.equal(ckEpoch, Number(bestTrial[7]), 'the checkpoint of the epoch with the lowest validation loss');
  assert.equal(ck[3], bestTrial[6]);
  assert.equal(Number(ck[5]), ckEpoch - 1, "Train numbers a run's checkpoints from 0, one per epoch");
  if (ck[6] === undefined) assert.equal(ckEpoch, ckOf, 'the chosen checkpoint is the latest only when the last epoch was the best');
  else assert.ok(ckEpoch < ckOf && Number(ck[6]) === ckOf - 1, `the latest is the last epoch's: ${ck[0]}`);
  assert.ok(Number(ck[4]) >= 0.68, `the deployed model learned (validation accuracy ${ck[4]}; the majority class alone gives about 0.63)`);
  // Train's retention (numToKeep 2 by valLoss, plus the latest) kept the deployed checkpoint.
  const kept = line(/^train kept in that trial's run: (.*) \(numToKeep 2 by valLoss min, plus the latest\)$/m)[1]!.split(', ');
  assert.ok(kept.includes(`checkpoint_${ck[5]}`), `the deployed checkpoint is still on disk: ${kept.join(', ')}`);
  assert.ok(kept.includes(`checkpoint_${String(ckOf - 1).padStart(6, '0')}`), 'the latest is kept');
  assert.ok(kept.length >= Math.min(ckOf, 2) && kept.length <= Math.min(ckOf, 3), `2 best + the latest at most: ${kept.join(', ')}`);

  // MLflow: the loopback recorder got one run per trial, the params, a log-batch per epoch reported, and each run's end.
  const ml = line(/^mlflow: (\d+) REST calls received \((.*)\); (\d+) runs \((.*)\)$/m);
  const calls = Object.fromEntries(ml[2]!.split(', ').map((s) => { const i = s.lastIndexOf(' '); return [s.slice(0, i), Number(s.slice(i + 1))]; }));
  const epochsReported = trials.reduce((s, t) => s + Number(t[4]), 0);
  assert.equal(calls['POST runs/create'], TRIALS);
  assert.equal(calls['POST runs/log-batch'], TRIALS + epochsReported, 'one params batch per run + one metrics batch per reported epoch');
  assert.equal(calls['POST runs/update'], TRIALS);
  assert.ok(calls['GET experiments/get-by-name']! >= 1);
  assert.equal(Number(ml[1]), Object.values(calls).reduce((a, b) => a + b, 0));
  assert.equal(Number(ml[3]), TRIALS);
  assert.equal(ml[4], `${TRIALS} FINISHED`);
  const mlRun = line(/^mlflow: run '(\S+)' params \{(.*)\}, \d+ metric keys, valLoss per epoch \[(.*)\]$/m);
  assert.equal(mlRun[1], best[1]);
  assert.match(mlRun[2]!, /trainLoopConfig\/lr: [\d.e-]+, trainLoopConfig\/hidden: \d+/);
  const history = mlRun[3]!.split(', ').map(Number);
  assert.equal(history.length, Number(best[2]));
  assert.equal(history.at(-1), Number(best[3]), 'the last valLoss logged to MLflow is the best trial\'s');
  // (compared as printed, to 4 decimals: an exact tie after rounding could hide a smaller one, so not the index)
  assert.equal(history[ckEpoch - 1], Math.min(...history), `the deployed checkpoint's epoch has the lowest valLoss in [${mlRun[3]}]`);

  // Serve: the best checkpoint behind HTTP, a raw record in, the same prediction as in-process.
  const served = line(/^serve: the best checkpoint \(trial (\S+), epoch (\d+)\) deployed at POST http:\/\/127\.0\.0\.1:\d+\/churn$/m);
  assert.deepEqual([served[1], Number(served[2])], [best[1], ckEpoch]);
  const request = JSON.parse(line(/^request: (\{.*\})$/m)[1]!) as Record<string, unknown>;
  assert.ok(!('churned' in request), 'the request has no label');
  assert.ok(Object.values(request).includes(null), 'the request has a missing cell (imputed by the deployment)');
  const httpP = line(/^http prediction: churn probability ([\d.]+) \(churned: (yes|no)\)$/m);
  const localP = line(/^local prediction: churn probability ([\d.]+) \(same checkpoint and preprocessing in this process; difference ([\d.e+-]+): (match|MISMATCH)\)$/m);
  assert.equal(localP[3], 'match');
  assert.equal(httpP[1], localP[1]);
  assert.ok(Number(httpP[1]) > 0 && Number(httpP[1]) < 1);
  assert.equal(httpP[2], Number(httpP[1]) >= 0.5 ? 'yes' : 'no');
  line(/^bad input \(age "forty"\): HTTP 400$/m);
  line(/^timings: s3 \+ upload [\d.]+ s, data [\d.]+ s, train \+ tune [\d.]+ s, serve [\d.]+ s$/m);
  line(/^done in [\d.]+ s$/m);
});
