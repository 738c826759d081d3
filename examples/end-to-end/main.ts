/**
 * End to end in one program: raw CSV files in S3 → Data preprocessing → a Tune sweep over a
 * TensorFlow.js Train trainer (logged to MLflow) → the best checkpoint served by Serve →
 * one raw record POSTed over HTTP, its prediction compared with the same model run here.
 *
 *   node --conditions=development --import tsx examples/end-to-end/main.ts [--rows 4000] [--files 4] [--trials 4] [--epochs 6]
 *     [--workers 1] [--batch-size 32] [--seed 1] [--bucket ray-ts-e2e] [--s3-endpoint URL] [--storage DIR]
 *
 * S3: s3rver on a free loopback port unless `--s3-endpoint` is given. MLflow: the server at
 * env `MLFLOW_TRACKING_URI` if set, else a loopback recorder of the REST calls (mlflow-recorder.ts).
 */
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { MLflowLoggerCallback, TfjsTrainer } from '@ray-ts/train';
import { Tuner, tune } from '@ray-ts/tune';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ChurnModel, loadFromCheckpoint, predict, type Prediction } from './app.js';
import { MLflowRecorder } from './mlflow-recorder.js';
import { churnLoop, type ChurnConfig } from './model.js';
import { preprocess } from './preprocess.js';
import { generateRecords, NUMERIC_COLUMNS, RAW_COLUMNS, startS3, uploadRawCsv } from './raw-data.js';

const LR = { lo: 1e-3, hi: 1e-1 };
const HIDDEN = [4, 8, 16, 32];
/** Checkpoints each trial's Train run keeps (the best by valLoss, and always the latest). */
const KEEP = 2;

if (ray.isMain(import.meta)) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '4000' },
      files: { type: 'string', default: '4' },
      trials: { type: 'string', default: '4' },
      epochs: { type: 'string', default: '6' },
      workers: { type: 'string', default: '1' },
      'batch-size': { type: 'string', default: '32' },
      seed: { type: 'string', default: '1' },
      bucket: { type: 'string', default: 'ray-ts-e2e' },
      's3-endpoint': { type: 'string' },
      storage: { type: 'string' },
    },
  });
  const [rows, files, trials, epochs, workers, batchSize, seed] = ['rows', 'files', 'trials', 'epochs', 'workers', 'batch-size', 'seed'].map((k) => {
    const v = Number(values[k as keyof typeof values]);
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`--${k} must be a positive integer, got ${values[k as keyof typeof values]}`);
    return v;
  }) as [number, number, number, number, number, number, number];
  const bucket = values.bucket!;
  const storagePath = values.storage ?? mkdtempSync(join(tmpdir(), 'end-to-end-'));
  const t0 = performance.now();
  const timings: string[] = [];
  let tStage = t0;
  const stageDone = (name: string) => {
    const now = performance.now();
    timings.push(`${name} ${((now - tStage) / 1000).toFixed(1)} s`);
    tStage = now;
  };
  const s3Service = await startS3(values['s3-endpoint']);
  const mlflowUri = process.env.MLFLOW_TRACKING_URI;
  const recorder = mlflowUri ? undefined : await MLflowRecorder.start();
  // A trial with datasets counts its workers' CPUs + 1 for the data pipeline (Tune's cpusPerTrial):
  // 2 × (workers + 1) logical CPUs run 2 trials at once (4 with the default 1 worker).
  await ray.init({ numCpus: 2 * (workers + 1) });
  try {
    // 1. Raw data into S3.
    const { s3 } = s3Service;
    console.log(`s3: ${s3Service.kind === 's3rver' ? 's3rver (temp directory)' : 'given endpoint'} at ${s3.endpoint}, bucket ${bucket}`);
    const records = generateRecords(rows, seed);
    const keys = await uploadRawCsv(s3, bucket, records, files);
    const missing = RAW_COLUMNS.filter((c) => c !== 'customer_id').map((c) => `${c} ${records.filter((r) => r[c] === null).length}`);
    console.log(`raw: ${rows} rows written as ${keys.length} CSV files to s3://${bucket}/raw/ (empty cells: ${missing.join(', ')})`);
    stageDone('s3 + upload');

    // 2. Data: read from S3, clean, split, fit statistics, encode and standardise.
    const pre = await preprocess(`s3://${bucket}/raw/`, s3, { validationFraction: 0.2, seed });
    console.log(`data: read ${pre.rowsRead} rows from s3://${bucket}/raw/; dropped ${pre.droppedNoLabel} without a label; train ${pre.trainRows}, validation ${pre.validationRows}; imputed ${pre.imputed} missing numeric cells`);
    const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3));
    console.log(`stats: ${pre.stats.numeric.map((n) => `${n.name} mean ${fmt(n.mean)} std ${fmt(n.std)}`).join('; ')}`);
    console.log(`stats: ${pre.stats.categorical.name} categories [${pre.stats.categorical.categories.join(', ')}]; churn rate in train ${pre.trainPositiveRate.toFixed(3)}`);
    console.log(`features (${pre.stats.features.length}): ${pre.stats.features.join(', ')}`);
    stageDone('data');

    // 3. Train + Tune: a TfjsTrainer per trial, ASHA over epochs, one MLflow run per trial.
    const trackingUri = mlflowUri ?? recorder!.url;
    // The preprocessed splits go in as `datasets` (Ray's way): each trial's fit runs in this
    // process and splits `train` between its own workers; `validation` reaches every worker whole.
    const base: ChurnConfig = { lr: 0.01, hidden: 8, epochs, batchSize, seed, stats: pre.stats };
    const trainer = new TfjsTrainer(churnLoop, {
      trainLoopConfig: base,
      scalingConfig: { numWorkers: workers },
      tfjsConfig: { backend: 'cpu' },
      datasets: { train: pre.train, validation: pre.validation },
      datasetConfig: { datasetsToSplit: ['train'] },
      // Each trial's Train run keeps its 2 best checkpoints by validation loss (plus the latest),
      // so the one deployed below (the best epoch) is never deleted.
      runConfig: { checkpointConfig: { numToKeep: KEEP, checkpointScoreAttribute: 'valLoss', checkpointScoreOrder: 'min' } },
    });
    console.log(`tune: ${trials} trials, lr ~ loguniform(${LR.lo}, ${LR.hi}) x hidden ~ choice([${HIDDEN.join(', ')}]), ${workers} worker${workers === 1 ? '' : 's'} + 1 CPU for data per trial, ASHA over ${epochs} epochs (grace 1, reduction factor 2), metric valLoss (min)`);
    console.log(`mlflow: logging to ${trackingUri}${recorder ? ' (loopback recorder: no MLflow server here; set MLFLOW_TRACKING_URI for a real one)' : ''}`);
    const grid = await new Tuner(trainer, {
      paramSpace: { trainLoopConfig: { lr: tune.loguniform(LR.lo, LR.hi), hidden: tune.choice(HIDDEN) } },
      tuneConfig: {
        metric: 'valLoss',
        mode: 'min',
        numSamples: trials,
        searchAlg: new tune.BasicVariantGenerator({ seed }),
        scheduler: new tune.ASHAScheduler({ timeAttr: 'epoch', maxT: epochs, gracePeriod: 1, reductionFactor: 2 }),
      },
      runConfig: {
        name: 'churn-sweep',
        storagePath,
        callbacks: [() => new MLflowLoggerCallback({ trackingUri, experimentName: 'ray-ts-end-to-end' })],
      },
    }).fit();
    for (const r of grid.results) {
      const { lr, hidden } = r.config.trainLoopConfig as { lr: number; hidden: number };
      const done = r.metricsHistory.length ? Number(r.metricsHistory.at(-1)!.epoch) : 0;
      const how = r.error ? `error: ${r.error.message}` : done < epochs ? 'stopped early by ASHA' : 'ran to max epochs';
      const m = r.metrics ?? {};
      const lowest = r.metricsHistory.reduce<Record<string, unknown> | undefined>((b, h) => (b === undefined || Number(h.valLoss) < Number(b.valLoss) ? h : b), undefined);
      const atBest = lowest ? `, lowest ${Number(lowest.valLoss).toFixed(4)} at epoch ${lowest.epoch}` : '';
      console.log(`trial ${r.trialId}: lr ${lr.toExponential(2)}, hidden ${hidden}, ${done} epoch${done === 1 ? '' : 's'}, val loss ${Number(m.valLoss).toFixed(4)}${atBest}, val accuracy ${Number(m.valAccuracy).toFixed(3)} (${how})`);
    }
    // The trial that reached the lowest validation loss at any epoch (scope 'all'), and that
    // epoch's checkpoint (Ray's Result.get_best_checkpoint), not the trial's latest.
    const best = grid.getBestResult('valLoss', 'min', 'all');
    const bestCheckpoint = best.getBestCheckpoint('valLoss', 'min');
    const chosen = best.bestCheckpoints.find((c) => c.checkpoint === bestCheckpoint)!;
    const bestPath = bestCheckpoint.toDict().path as string;
    const latestPath = best.checkpoint?.toDict().path as string | undefined;
    console.log(`best config: ${JSON.stringify(best.config)}`);
    console.log(`best trial: ${best.trialId}, ${best.metricsHistory.length} epochs, last val loss ${(best.metrics!.valLoss as number).toFixed(4)}`);
    console.log(
      `best checkpoint: epoch ${chosen.metrics.epoch} of ${best.metricsHistory.length} (val loss ${(chosen.metrics.valLoss as number).toFixed(4)}, val accuracy ${(chosen.metrics.valAccuracy as number).toFixed(3)}), ` +
        `${basename(bestPath)}${latestPath === bestPath ? ' (also the latest)' : `, not the latest ${latestPath ? basename(latestPath) : '(none)'}`}`,
    );
    const onDisk = readdirSync(dirname(bestPath)).filter((d) => /^checkpoint_\d+$/.test(d)).sort();
    console.log(`train kept in that trial's run: ${onDisk.join(', ')} (numToKeep ${KEEP} by valLoss min, plus the latest)`);
    if (recorder) {
      const runs = [...recorder.runs.values()];
      const byStatus = runs.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
      const counts = Object.entries(recorder.countByEndpoint()).map(([k, n]) => `${k} ${n}`).join(', ');
      console.log(`mlflow: ${recorder.calls.length} REST calls received (${counts}); ${runs.length} runs (${Object.entries(byStatus).map(([s, n]) => `${n} ${s}`).join(', ')})`);
      const run = runs.find((r) => r.runName === best.trialId);
      if (run) {
        const valLoss = run.metrics.valLoss ?? [];
        console.log(`mlflow: run '${run.runName}' params {${Object.entries(run.params).map(([k, v]) => `${k}: ${v}`).join(', ')}}, ${Object.keys(run.metrics).length} metric keys, valLoss per epoch [${valLoss.map((v) => v.toFixed(4)).join(', ')}]`);
      }
    }
    stageDone('train + tune');

    // 4. Serve the best checkpoint; POST one raw record; compare with the model run here.
    await serve.run(ChurnModel.bind(bestPath), { name: 'churn', routePrefix: '/churn', port: 0 });
    const url = `http://127.0.0.1:${(await serve.status()).proxy!.port}/churn`;
    console.log(`serve: the best checkpoint (trial ${best.trialId}, epoch ${chosen.metrics.epoch}) deployed at POST ${url}`);
    // A raw record as a client would send it: a missing numeric cell, no label.
    const sample = records.find((r) => r.plan !== null && NUMERIC_COLUMNS.some((c) => r[c] === null)) ?? records[0]!;
    const { churned: _label, ...body } = sample;
    console.log(`request: ${JSON.stringify(body)}`);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) throw new Error(`POST ${url}: HTTP ${res.status} ${await res.text()}`);
    const http = (await res.json()) as Prediction;
    console.log(`http prediction: churn probability ${http.churnProbability.toFixed(6)} (churned: ${http.churned ? 'yes' : 'no'})`);
    const { model, stats } = await loadFromCheckpoint(bestPath);
    const local = predict(model, stats, body);
    const diff = Math.abs(local.churnProbability - http.churnProbability);
    console.log(`local prediction: churn probability ${local.churnProbability.toFixed(6)} (same checkpoint and preprocessing in this process; difference ${diff.toExponential(2)}: ${diff < 1e-6 ? 'match' : 'MISMATCH'})`);
    const bad = await fetch(url, { method: 'POST', body: JSON.stringify({ ...body, age: 'forty' }), signal: AbortSignal.timeout(30_000) });
    console.log(`bad input (age "forty"): HTTP ${bad.status}`);
    stageDone('serve');
    console.log(`timings: ${timings.join(', ')}`);
    console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await serve.shutdown().catch(() => {});
    ray.shutdown();
    await recorder?.close();
    await s3Service.close();
    if (!values.storage) rmSync(storagePath, { recursive: true, force: true });
  }
}
