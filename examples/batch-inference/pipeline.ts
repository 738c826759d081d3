/**
 * The batch-inference example's user functions: the generated sensor readings, the
 * feature column added with `mapBatches`, and the ONNX predictor that runs on an actor
 * pool. Worker processes import this module to find them, so it holds definitions only:
 * no driver code runs at import.
 * @module
 */
import { Float32, makeData, makeVector, Table, type Vector } from 'apache-arrow';
import * as ort from 'onnxruntime-node';

/** Raw readings of sensor `id`: four signals and a quality score in [0, 1). Deterministic per id. */
export function readingsOf(ids: ArrayLike<number>): Record<string, Float64Array | Int32Array> {
  const n = ids.length;
  const cols = { id: new Int32Array(n), s0: new Float64Array(n), s1: new Float64Array(n), s2: new Float64Array(n), s3: new Float64Array(n), quality: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    cols.id[i] = id;
    cols.s0[i] = Math.sin(id) * 3;
    cols.s1[i] = Math.cos(id * 0.7) * 2;
    cols.s2[i] = ((id % 17) - 8) / 4;
    cols.s3[i] = Math.sin(id * 0.13 + 1);
    cols.quality[i] = ((Math.imul(id + 1, 2654435761) >>> 0) % 1000) / 1000;
  }
  return cols;
}

/** Batch function for `range(n).mapBatches(...)`: the readings of the batch's ids. */
export function makeReadings(batch: { id: ArrayLike<number> }): Record<string, Float64Array | Int32Array> {
  return readingsOf(batch.id);
}

/** Row filter: keep readings whose quality is at least `minQuality`. */
export function goodQuality(row: Record<string, unknown>, minQuality: number): boolean {
  return (row.quality as number) >= minQuality;
}

/** The model's fourth input: the fourth signal centred on its typical offset. */
export function centred(s3: number): number {
  return s3 - 0.25;
}

/**
 * Arrow batch function: adds the Float32 column `x3` (the centred fourth signal, the one
 * model input that is not a raw signal) and keeps every other column as it is.
 */
export function addFeatures(batch: Table): Table {
  const s3 = batch.getChild('s3')!.toArray() as Float64Array;
  const x3 = new Float32Array(s3.length);
  for (let i = 0; i < s3.length; i++) x3[i] = centred(s3[i]!);
  const cols: Record<string, Vector> = {};
  for (const f of batch.schema.fields) cols[f.name] = batch.getChild(f.name)!;
  cols.x3 = makeVector(makeData({ type: new Float32(), length: x3.length, nullCount: 0, data: x3 }));
  return new Table(cols);
}

/** The model input matrix (row-major float32, [n, 4]) of batch columns s0, s1, s2 and x3. */
export function inputMatrix(batch: Record<string, ArrayLike<number>>): Float32Array {
  const n = batch.id!.length;
  const x = new Float32Array(n * 4);
  const cols = [batch.s0!, batch.s1!, batch.s2!, batch.x3!];
  for (let r = 0; r < n; r++) for (let k = 0; k < 4; k++) x[r * 4 + k] = cols[k]![r]!;
  return x;
}

/**
 * The predictor of the actor pool: each actor loads the model once (in its constructor)
 * and runs it on every batch it is given, adding the columns `score` and `label`
 * (the index of the larger of the model's two outputs) and the actor's `pid`.
 */
export class OnnxPredictor {
  private readonly session: Promise<ort.InferenceSession>;

  constructor(modelPath: string) {
    // One thread per session: the actor pool is the parallelism.
    this.session = ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  }

  async call(batch: Record<string, ArrayLike<number>>): Promise<Record<string, ArrayLike<unknown>>> {
    const n = batch.id!.length;
    const out = await (await this.session).run({ x: new ort.Tensor('float32', inputMatrix(batch), [n, 4]) });
    const y = out.y!.data as Float32Array;
    const score = new Float32Array(n);
    const label = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      score[r] = y[2 * r]!;
      label[r] = y[2 * r + 1]! > y[2 * r]! ? 1 : 0;
    }
    return { ...batch, score, label, pid: new Int32Array(n).fill(process.pid) };
  }
}
