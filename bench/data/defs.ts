/**
 * Functions the data benchmarks pass to datasets; exported so workers import them (the
 * data package's rule for user functions).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A CPU-heavy batch transform (a few dozen flops per value) for the scaling benchmark. */
export function heavyBatch(batch: Record<string, ArrayLike<number>>): Record<string, Float64Array> {
  const v = batch.fare!;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let x = v[i]!;
    for (let k = 0; k < 40; k++) x = Math.sqrt(x * x + 1.0001) * 0.999;
    out[i] = x;
  }
  return { out };
}

/** The part of onnxruntime-node the benchmarks use. */
export interface Ort {
  InferenceSession: { create(path: string, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
}

/** onnxruntime-node, a dev dependency of the data package (loaded from there). */
export function loadOrt(): Ort {
  return createRequire(new URL('../../packages/data/package.json', import.meta.url))('onnxruntime-node') as Ort;
}

/** The committed ONNX fixture: y = relu(x W1 + b1) W2 + b2, x float [N, 4], y float [N, 2]. */
export const MODEL_PATH = fileURLToPath(new URL('../../packages/data/test/fixtures/onnx/model.onnx', import.meta.url));

/** The model input of rows `ids`: four features per row (those of the data package's ONNX test), row-major. */
export function featureMatrix(ids: ArrayLike<number>): Float32Array {
  const x = new Float32Array(ids.length * 4);
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r]!;
    x[4 * r] = Math.sin(id) * 3;
    x[4 * r + 1] = Math.cos(id * 0.7) * 2;
    x[4 * r + 2] = ((id % 17) - 8) / 4;
    x[4 * r + 3] = Math.sin(id * 0.13 + 1);
  }
  return x;
}

/** Batch function: the feature columns f0..f3 of `batch.id` (Float32Arrays). */
export function featureColumns(batch: { id: ArrayLike<number> }): Record<string, ArrayLike<number>> {
  const x = featureMatrix(batch.id);
  const n = batch.id.length;
  const f = [0, 1, 2, 3].map(() => new Float32Array(n));
  for (let r = 0; r < n; r++) for (let k = 0; k < 4; k++) f[k]![r] = x[4 * r + k]!;
  return { id: batch.id, f0: f[0]!, f1: f[1]!, f2: f[2]!, f3: f[3]! };
}

/** An actor-pool predictor: one ONNX session per actor (single-threaded: the pool gives the parallelism). */
export class OnnxRegressor {
  private readonly ort = loadOrt();
  private readonly session: Promise<OrtSession>;

  constructor(modelPath: string) {
    this.session = this.ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  }

  async call(batch: Record<string, ArrayLike<number>>): Promise<Record<string, ArrayLike<number>>> {
    const n = batch.id!.length;
    const x = new Float32Array(n * 4);
    const cols = [batch.f0!, batch.f1!, batch.f2!, batch.f3!];
    for (let r = 0; r < n; r++) for (let k = 0; k < 4; k++) x[4 * r + k] = cols[k]![r]!;
    const out = await (await this.session).run({ x: new this.ort.Tensor('float32', x, [n, 4]) });
    const y = out.y!.data as Float32Array;
    const pred0 = new Float32Array(n);
    const pred1 = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      pred0[r] = y[2 * r]!;
      pred1[r] = y[2 * r + 1]!;
    }
    return { id: batch.id!, pred0, pred1 };
  }
}
