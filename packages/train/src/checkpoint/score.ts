/**
 * Ranking of checkpoint results: the score is a metric looked up by a `/`-joined path
 * in the (nested) metrics; NaN ranks worst; ties go to the more recent checkpoint.
 */
import { CheckpointScoreAttributeError } from './errors.js';

/** Flattened keys of nested plain objects, joined with `/` (arrays and other values are leaves). */
export function flatKeys(metrics: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(metrics)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (isPlainObject(v)) out.push(...flatKeys(v, key));
    else out.push(key);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Looks up `a/b/c` in nested metrics (an exact top-level key `a/b/c` wins). */
export function lookupMetric(metrics: Record<string, unknown>, attribute: string): unknown {
  if (Object.prototype.hasOwnProperty.call(metrics, attribute)) return metrics[attribute];
  let cur: unknown = metrics;
  for (const part of attribute.split('/')) {
    if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/**
 * The score of a report, oriented so that higher is better (`min` negates).
 * @throws CheckpointScoreAttributeError when the attribute is missing or not a number.
 */
export function scoreOf(metrics: Record<string, unknown>, attribute: string, order: 'max' | 'min'): number {
  const v = lookupMetric(metrics, attribute);
  if (v === undefined) throw new CheckpointScoreAttributeError(attribute, flatKeys(metrics), 'missing');
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number') throw new CheckpointScoreAttributeError(attribute, flatKeys(metrics), 'not a number');
  if (Number.isNaN(n)) return -Infinity;
  return order === 'max' ? n : -n;
}

/** Compares two ranked entries: negative when `a` is worse than `b`. Equal scores: older is worse. */
export function compareRanked(a: { score: number; index: number }, b: { score: number; index: number }): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.index - b.index;
}
