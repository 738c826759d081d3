/**
 * Serves the composed app (app.ts) on a local ray-ts, sends it load over HTTP (load.ts)
 * while watching the Model deployment's replica count with `serve.status()`, then prints
 * throughput and latency, the batches the model ran, whether every answer matches
 * onnxruntime called in this process, what bad requests get, and how Model autoscaled.
 *
 * Run: `node --conditions=development --import tsx examples/serving/main.ts
 * [--requests N] [--concurrency C] [--settle-s S] [--port P] [--keep-serving]`
 * (or deploy `examples/serving/serve.yaml` to a cluster with `ray-ts-serve deploy`).
 */
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import { serve } from '@ray-ts/serve';
import { app, type Answer } from './app.js';
import { batchLines, latencyLines, sendLoad, type LoadOptions } from './load.js';
import { Reference } from './reference.js';

const APP = 'serving';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Model's replica counts over time, as `serve.status()` reports them (changes only). */
class ReplicaWatcher {
  readonly changes: { atS: number; running: number; target: number }[] = [];
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  private constructor(private readonly t0: number) {}

  /** Starts watching once the first sample is in, so it shows the count before the load. */
  static async start(t0: number, everyMs: number): Promise<ReplicaWatcher> {
    const w = new ReplicaWatcher(t0);
    await w.sample();
    w.done = (async () => {
      while (!w.stopped) {
        await sleep(everyMs);
        await w.sample();
      }
    })();
    return w;
  }
  private async sample(): Promise<void> {
    const d = (await serve.status()).applications[APP]?.deployments.Model;
    const last = this.changes.at(-1);
    if (d && (!last || last.running !== d.runningReplicas || last.target !== d.targetReplicas)) {
      this.changes.push({ atS: (performance.now() - this.t0) / 1000, running: d.runningReplicas, target: d.targetReplicas });
    }
  }
  get now() {
    return this.changes.at(-1)!;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

if (ray.isMain(import.meta)) {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '3000' },
      concurrency: { type: 'string', default: '32' },
      'settle-s': { type: 'string', default: '15' },
      port: { type: 'string', default: '0' },
      'keep-serving': { type: 'boolean' },
    },
  });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const settleS = Number(values['settle-s']);
  if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(concurrency) || concurrency < 1 || !(settleS >= 0)) {
    console.error('--requests and --concurrency must be positive integers, --settle-s a number >= 0');
    process.exit(2);
  }
  await ray.init({ numCpus: 2 });
  await serve.run(app, { name: APP, routePrefix: '/classify', port: Number(values.port) });
  const url = `http://127.0.0.1:${(await serve.status()).proxy!.port}/classify`;
  console.log(`serving at ${url}: Ingress → Preprocess → Model (serve.batch, autoscaling 1 to 2 replicas) → Postprocess`);

  // Warm up (JIT, connections), then the measured load while Model's replicas are watched.
  await sendLoad({ url, requests: 16, concurrency: 2 });
  const t0 = performance.now();
  const watcher = await ReplicaWatcher.start(t0, 200);
  const o: LoadOptions = { url, requests, concurrency };
  const result = await sendLoad(o);
  const loadEndS = (performance.now() - t0) / 1000;
  for (const line of [...latencyLines(o, result), ...batchLines(result.answers)]) console.log(line);

  const ref = await Reference.create();
  const check = await ref.check(result.bodies, result.answers as Answer[]);
  await ref.close();
  console.log(`answers: ${check.matching} of ${requests} match onnxruntime called in the driver (label, and probability within 1e-5; max difference ${check.maxDiff.toExponential(1)})`);
  if (check.firstMismatch) console.log(`first mismatch: ${check.firstMismatch}`);
  if (check.matching !== requests) process.exitCode = 1;

  for (const body of ['{"readings": [{"temperature": 70, "vibration": "high", "pressure": 6, "rpm": 1500}]}', '{"readings": [']) {
    const res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
    console.log(`bad request: HTTP ${res.status} ${await res.text()}`);
  }

  // Load is over: wait (up to --settle-s) for Model to scale back down.
  const settleEnd = performance.now() + settleS * 1000;
  while (performance.now() < settleEnd && !(watcher.now.running === 1 && watcher.now.target === 1 && watcher.changes.length > 1)) await sleep(200);
  await watcher.stop();
  const timeline = watcher.changes.map((c) => `${c.atS.toFixed(1)} s ${c.running}/${c.target}`);
  timeline.splice(watcher.changes.filter((c) => c.atS <= loadEndS).length, 0, `${loadEndS.toFixed(1)} s load ended`);
  console.log(`Model replicas, running/target (serve.status every 200 ms): ${timeline.join(', ')}`);
  const peak = Math.max(...watcher.changes.map((c) => c.running));
  const down = watcher.changes.find((c) => c.atS > loadEndS && c.running === 1 && c.target === 1 && peak > 1);
  console.log(`autoscaling: ${peak > 1 ? `up to ${peak} replicas under load` : 'stayed at 1 replica'}, `
    + (down ? `back to 1 ${(down.atS - loadEndS).toFixed(1)} s after the load ended` : `${watcher.now.running} running ${settleS} s after the load ended`));

  if (values['keep-serving']) {
    console.log(`still serving at ${url} — Ctrl-C to stop. Try: curl -X POST ${url} -d '{"readings": [{"temperature": 71, "vibration": 2.5, "pressure": 6.1, "rpm": 1480}]}'`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await serve.shutdown();
  ray.shutdown();
}
