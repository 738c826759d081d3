/**
 * The application: `Model` holds an onnxruntime-node session and sees batches of requests
 * (`serve.batch`); `Ingress` parses HTTP and calls `Model` through a handle (composition).
 * Top level of a module, so replica workers import it to find the classes.
 */
import * as ort from 'onnxruntime-node';
import { fileURLToPath } from 'node:url';
import { BadRequestError, serve, type DeploymentHandle } from '@ray-ts/serve';

/** The model: y = relu(x W1 + b1) W2 + b2, x float [N, 4], y float [N, 2] (the data package's fixture). */
export const MODEL_PATH = fileURLToPath(new URL('./model.onnx', import.meta.url));

/** Runs rows through an ONNX session; concurrent requests are batched into one `session.run`. */
export const Model = serve.deployment(class Model {
  session!: ort.InferenceSession;
  batchSizes: number[] = [];
  async init() {
    this.session = await ort.InferenceSession.create(MODEL_PATH, { intraOpNumThreads: 1 });
  }
  /** One request's rows in, their outputs out; up to 16 requests share a session run. */
  predict = serve.batch(async function (this: Model, requests: number[][][]) {
    this.batchSizes.push(requests.length);
    const rows = requests.flat();
    const x = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
    const y = (await this.session.run({ x })).y!.data as Float32Array;
    let at = 0;
    return requests.map((req) => req.map(() => {
      const out = [y[2 * at]!, y[2 * at + 1]!];
      at++;
      return out;
    }));
  }, { maxBatchSize: 16, batchWaitTimeoutS: 0.005 });
  /** Sizes of the batches the session has seen. */
  stats() {
    return { batchSizes: this.batchSizes };
  }
}, { maxOngoingRequests: 32 });

/** HTTP ingress: POST { "x": [[4 numbers], ...] } → { "y": [[2 numbers], ...] }. */
export const Ingress = serve.deployment(class Ingress {
  constructor(readonly model: DeploymentHandle<InstanceType<typeof Model.cls>>) {}
  async __call__(req: serve.Request) {
    const { x } = await req.json<{ x: number[][] }>();
    if (!Array.isArray(x) || !x.every((r) => Array.isArray(r) && r.length === 4 && r.every((v) => typeof v === 'number'))) {
      throw new BadRequestError('x must be a list of rows of 4 numbers'); // HTTP 400
    }
    return { y: await this.model.predict.remote(x) };
  }
}, { maxOngoingRequests: 32 });

/** The application graph (`importPath: ./app.ts:app` in serve.yaml). */
export const app = Ingress.bind(Model.bind());
