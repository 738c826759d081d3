/**
 * The application, Ray Serve's model composition: an HTTP ingress calls three deployments
 * through DeploymentHandles, preprocess → model → postprocess.
 * - `Preprocess` parses, checks and normalises the posted readings (`BadRequestError` → HTTP 400);
 * - `Model` holds an onnxruntime-node session; `serve.batch` gathers concurrent requests into
 *   one `session.run`, and `autoscalingConfig` adds a replica under load;
 * - `Postprocess` turns logits into a label and its probability (softmax).
 * Top level of a module, so replica workers import it to find the classes.
 */
import type * as Ort from 'onnxruntime-node';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { serve, type DeploymentHandle } from '@ray-ts/serve';
import { parseReadings, toPredictions, type Prediction } from './pipeline.js';

/** The model (the data package's 4-8-2 MLP fixture): x float [N, 4] → y float [N, 2] (logits). */
export const MODEL_PATH = fileURLToPath(new URL('./model.onnx', import.meta.url));

/** Which batch a request's rows were run in: the replica, the batch's number there, and how many requests it held. */
export interface BatchInfo {
  replica: string;
  id: number;
  size: number;
}

/** What the application answers: one prediction per reading, and the batch they were in. */
export interface Answer {
  predictions: Prediction[];
  batch: BatchInfo;
}

/** Body text → normalised rows. Cheap, so one replica serves many requests at once. */
export const Preprocess = serve.deployment(class Preprocess {
  run(text: string): number[][] {
    return parseReadings(text);
  }
}, { maxOngoingRequests: 64 });

/** Runs rows through an ONNX session; concurrent requests share one `session.run`. */
export const Model = serve.deployment(class Model {
  /** Names this replica in answers (a pid is not unique across machines). */
  readonly replica = randomBytes(3).toString('hex');
  session!: Ort.InferenceSession;
  ort!: typeof Ort;
  batches = 0;
  async init() {
    // Imported here, not at the top: only Model's replicas need the native library.
    this.ort = await import('onnxruntime-node');
    this.session = await this.ort.InferenceSession.create(MODEL_PATH, { intraOpNumThreads: 1 });
  }
  /** One request's rows in, their logits out; up to 32 requests, gathered for at most 10 ms, share a run. */
  predict = serve.batch(async function (this: Model, requests: number[][][]): Promise<{ logits: number[][]; batch: BatchInfo }[]> {
    const batch = { replica: this.replica, id: ++this.batches, size: requests.length };
    const rows = requests.flat();
    const x = new this.ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
    const y = (await this.session.run({ x })).y!.data as Float32Array;
    let at = 0;
    return requests.map((req) => ({ logits: req.map(() => [y[2 * at]!, y[2 * at++ + 1]!]), batch }));
  }, { maxBatchSize: 32, batchWaitTimeoutS: 0.01 });
}, {
  maxOngoingRequests: 32,
  // Scale up at once, down after 5 s, on the load averaged over the last 2 s, so the example
  // shows both in seconds (Ray's defaults: 30 s, 600 s and a 30 s look-back). A low target
  // because this tiny model holds a request only while its batch fills and runs: its ongoing
  // count jumps between 0 and a batch, and averages a few requests (see README).
  autoscalingConfig: { minReplicas: 1, maxReplicas: 2, targetOngoingRequests: 1, upscaleDelayS: 0, downscaleDelayS: 5, lookBackPeriodS: 2 },
});

/** Logits → label and probability per row; the batch info passes through. */
export const Postprocess = serve.deployment(class Postprocess {
  run(out: { logits: number[][]; batch: BatchInfo }): Answer {
    return { predictions: toPredictions(out.logits), batch: out.batch };
  }
}, { maxOngoingRequests: 64 });

type H<D extends { cls: abstract new (...a: any[]) => unknown }> = DeploymentHandle<InstanceType<D['cls']>>;

/** HTTP ingress: POST { "readings": [...] } → { "predictions": [...], "batch": {...} }. */
export const Ingress = serve.deployment(class Ingress {
  constructor(readonly preprocess: H<typeof Preprocess>, readonly model: H<typeof Model>, readonly postprocess: H<typeof Postprocess>) {}
  async __call__(req: serve.Request): Promise<Answer> {
    // Each response is passed on unawaited: the next call starts when its value arrives.
    const rows = this.preprocess.run.remote(await req.text());
    const logits = this.model.predict.remote(rows);
    // A BadRequestError thrown by Preprocess arrives here wrapped in a RayTaskError per hop;
    // the proxy answers with the status of the innermost error (HTTP 400).
    return await this.postprocess.run.remote(logits);
  }
}, { maxOngoingRequests: 64 });

/** The application graph (`importPath: ./app.ts:app` in serve.yaml). */
export const app = Ingress.bind(Preprocess.bind(), Model.bind(), Postprocess.bind());
