/** The deployments of the serve benchmark (top level of a module: replica workers import it). */
import { serve } from '@ray-ts/serve';
import { createPredictor } from './model.js';

/** Answers `{ ok: true }`. */
export const Noop = serve.deployment(class Noop {
  __call__() {
    return { ok: true };
  }
}, { maxOngoingRequests: 64 });

/** Runs the ONNX model on the posted rows. */
export const Onnx = serve.deployment(class Onnx {
  predict!: (x: number[][]) => Promise<number[][]>;
  async init() {
    this.predict = await createPredictor();
  }
  async __call__(req: serve.Request) {
    return { y: await this.predict((await req.json<{ x: number[][] }>()).x) };
  }
}, { maxOngoingRequests: 64 });
