/**
 * Serves an ONNX model over HTTP with ray-ts Serve, sends it concurrent requests, and
 * checks every answer against onnxruntime called directly in this process.
 *
 * Run: `node --conditions=development --import tsx examples/serving/main.ts
 * [--requests N] [--concurrency C] [--port P] [--keep-serving]`
 * (or deploy `examples/serving/serve.yaml` to a cluster with `ray-ts-serve deploy`).
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { app, MODEL_PATH } from './app.js';

/** Request i's rows: 1 to 4 rows of 4 features. */
export function rowsOf(i: number): number[][] {
  return Array.from({ length: 1 + (i % 4) }, (_, r) => [Math.sin(i + r), Math.cos(i * 0.7 + r), ((i + r) % 17) / 8 - 1, 0.5]);
}

if (ray.isMain(import.meta)) {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '64' },
      concurrency: { type: 'string', default: '16' },
      port: { type: 'string', default: '0' },
      'keep-serving': { type: 'boolean' },
    },
  });
  const N = Number(values.requests);
  const C = Number(values.concurrency);
  await ray.init({ numCpus: 2 });
  await serve.run(app, { name: 'onnx', routePrefix: '/predict', port: Number(values.port) });
  const { port } = (await serve.status()).proxy!;
  const url = `http://127.0.0.1:${port}/predict`;
  console.log(`serving ${MODEL_PATH.split('/').pop()} at ${url}`);

  // Answers over HTTP, C requests in flight at a time.
  const answers: number[][][] = new Array(N);
  let next = 0;
  await Promise.all(Array.from({ length: C }, async () => {
    for (let i = next++; i < N; i = next++) {
      const res = await fetch(url, { method: 'POST', body: JSON.stringify({ x: rowsOf(i) }), headers: { 'content-type': 'application/json' } });
      if (res.status !== 200) throw new Error(`request ${i}: HTTP ${res.status} ${await res.text()}`);
      answers[i] = ((await res.json()) as { y: number[][] }).y;
    }
  }));

  // The same rows through onnxruntime directly.
  const session = await ort.InferenceSession.create(MODEL_PATH);
  let maxDiff = 0;
  for (let i = 0; i < N; i++) {
    const rows = rowsOf(i);
    const y = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]) })).y!.data as Float32Array;
    rows.forEach((_, r) => {
      for (let o = 0; o < 2; o++) maxDiff = Math.max(maxDiff, Math.abs(answers[i]![r]![o]! - y[2 * r + o]!));
    });
  }
  const { batchSizes } = await serve.getDeploymentHandle('Model', 'onnx').stats.remote() as { batchSizes: number[] };
  const bad = await fetch(url, { method: 'POST', body: '{"x": [[1, 2]]}' });
  console.log(`requests: ${N} answered over HTTP (${C} at a time)`);
  console.log(`matches onnxruntime in-process: ${maxDiff < 1e-5 ? 'yes' : 'NO'} (max difference ${maxDiff.toExponential(2)})`);
  console.log(`batches seen by the model: ${batchSizes.length} (largest ${Math.max(...batchSizes)} requests, mean ${(N / batchSizes.length).toFixed(1)})`);
  console.log(`bad input: HTTP ${bad.status} ${JSON.stringify(await bad.json())}`);
  if (values['keep-serving']) {
    console.log(`still serving at ${url} — Ctrl-C to stop. Try: curl -X POST ${url} -d '{"x": [[1, 2, 3, 4]]}'`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await serve.shutdown();
  ray.shutdown();
}
