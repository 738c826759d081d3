/**
 * The work both servers do per request: nothing (`noop`), or the data package's ONNX
 * fixture (a 4-8-2 MLP) on the request's rows (`onnx`). Shared by the Serve deployment and
 * the plain server so both run the same code.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The committed ONNX fixture: x float [N, 4] → y float [N, 2]. */
export const MODEL_PATH = fileURLToPath(new URL('../../packages/data/test/fixtures/onnx/model.onnx', import.meta.url));

/** The request body of the onnx case: 8 rows of 4 features. */
export const ONNX_BODY = JSON.stringify({ x: Array.from({ length: 8 }, (_, r) => [Math.sin(r), Math.cos(r), r / 8, 1 - r / 8]) });

interface Ort {
  InferenceSession: { create(path: string, options?: Record<string, unknown>): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>> }> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}

/** onnxruntime-node, a dev dependency of the data package (loaded from there). */
function loadOrt(): Ort {
  return createRequire(new URL('../../packages/data/package.json', import.meta.url))('onnxruntime-node') as Ort;
}

/** A one-thread ONNX session: `predict(rows)` → rows of 2 outputs. */
export async function createPredictor(): Promise<(x: number[][]) => Promise<number[][]>> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(MODEL_PATH, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return async (x) => {
    const y = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, 4]) })).y!.data as Float32Array;
    return Array.from({ length: x.length }, (_, r) => [y[2 * r]!, y[2 * r + 1]!]);
  };
}
