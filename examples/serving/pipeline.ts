/**
 * The plain steps around the model, free of Serve so the deployments (app.ts) and the
 * driver's in-process reference (reference.ts) run the same code:
 * - {@link parseReadings}: request body text → normalised rows `[N, 4]` (or `BadRequestError`);
 * - {@link toPredictions}: the model's logits `[N, 2]` → a label and its probability per row.
 */
import { BadRequestError } from '@ray-ts/serve';

/** The sensor fields of a reading, in the model's input order, with the mean and standard deviation used to normalise them. */
export const FEATURES = [
  { name: 'temperature', mean: 60, std: 15 }, // °C
  { name: 'vibration', mean: 2, std: 1.5 }, // mm/s
  { name: 'pressure', mean: 6, std: 1 }, // bar
  { name: 'rpm', mean: 1500, std: 300 },
] as const;

/** Names of the model's two outputs. */
export const LABELS = ['normal', 'fault'] as const;

/** Most readings one request may carry. */
export const MAX_READINGS = 64;

/** One reading as posted: `{ "temperature": 71.5, "vibration": 2.4, "pressure": 6.2, "rpm": 1490 }`. */
export type Reading = Record<(typeof FEATURES)[number]['name'], number>;

/** A prediction for one reading. */
export interface Prediction {
  label: (typeof LABELS)[number];
  /** Softmax probability of `label`. */
  probability: number;
}

/**
 * Parses and checks a body `{ "readings": [Reading, ...] }` and normalises each field
 * ((value - mean) / std). Throws `BadRequestError` (HTTP 400) naming what is wrong.
 */
export function parseReadings(text: string): number[][] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequestError('the body must be JSON: {"readings": [{"temperature": ..., "vibration": ..., "pressure": ..., "rpm": ...}]}');
  }
  const readings = (body as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(readings) || readings.length === 0 || readings.length > MAX_READINGS) {
    throw new BadRequestError(`readings must be a list of 1 to ${MAX_READINGS} readings`);
  }
  return readings.map((r: unknown, i) => FEATURES.map(({ name, mean, std }) => {
    const v = (r as Record<string, unknown> | null)?.[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequestError(`readings[${i}].${name} must be a finite number`);
    return (v - mean) / std;
  }));
}

/** Softmax of each row of logits; the most probable label and its probability. */
export function toPredictions(logits: number[][]): Prediction[] {
  return logits.map((row) => {
    const top = Math.max(...row);
    const e = row.map((v) => Math.exp(v - top));
    const sum = e.reduce((a, b) => a + b, 0);
    const best = e.indexOf(Math.max(...e));
    return { label: LABELS[best]!, probability: e[best]! / sum };
  });
}
