/**
 * The answers computed without Serve: the same parsing and softmax (pipeline.ts), with
 * onnxruntime-node called directly in this process, one request at a time. What the served
 * answers add on top is everything Serve does: HTTP, three handle hops, batches that mix
 * requests (and split the outputs back), and more than one replica.
 */
import * as ort from 'onnxruntime-node';
import { MODEL_PATH, type Answer } from './app.js';
import { parseReadings, toPredictions, type Prediction } from './pipeline.js';

/** How answers compare with the reference. */
export interface CheckResult {
  /** Answers whose labels all match and whose probabilities are within 1e-5. */
  matching: number;
  /** Largest probability difference seen. */
  maxDiff: number;
  /** The first mismatch, described. */
  firstMismatch?: string;
}

/** Runs the reference for request bodies and compares served answers with it. */
export class Reference {
  private constructor(private readonly session: ort.InferenceSession) {}

  /** Loads the model (what `ort.InferenceSession.create` does, once). */
  static async create(modelPath = MODEL_PATH): Promise<Reference> {
    return new Reference(await ort.InferenceSession.create(modelPath));
  }

  /** The predictions for one request body. */
  async predict(body: string): Promise<Prediction[]> {
    const rows = parseReadings(body);
    const x = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
    const y = (await this.session.run({ x })).y!.data as Float32Array;
    return toPredictions(rows.map((_, r) => [y[2 * r]!, y[2 * r + 1]!]));
  }

  /** Compares `answers[i]` with the reference for `bodies[i]`. */
  async check(bodies: readonly string[], answers: readonly Answer[]): Promise<CheckResult> {
    const out: CheckResult = { matching: 0, maxDiff: 0 };
    for (let i = 0; i < bodies.length; i++) {
      const want = await this.predict(bodies[i]!);
      const got = answers[i]?.predictions ?? [];
      let ok = got.length === want.length;
      want.forEach((w, r) => {
        const g = got[r];
        const diff = g ? Math.abs(g.probability - w.probability) : Infinity;
        if (g) out.maxDiff = Math.max(out.maxDiff, diff);
        if (!g || g.label !== w.label || !(diff < 1e-5)) ok = false;
      });
      if (ok) out.matching++;
      else out.firstMismatch ??= `request ${i}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
    }
    return out;
  }

  /** Frees the session. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
