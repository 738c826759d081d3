/**
 * What `Tuner.fit()` returns (Ray's ResultGrid): one {@link TrialOutcome} per trial, the
 * best one by a metric, the errors, and the last results as records or an Arrow table.
 */
import { tableFromJSON, type Table } from 'apache-arrow';
import type { TrialOutcome } from './trial-outcome.js';

export type { TrialOutcome } from './trial-outcome.js';

/** Flattens nested objects into `a/b` keys (as Ray's dataframes do). */
function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = Array.isArray(v) ? JSON.stringify(v) : v;
  }
  return out;
}

/** The results of a sweep. */
export class ResultGrid {
  /** @internal */
  constructor(
    /** Every trial's outcome, in trial order. */
    readonly results: readonly TrialOutcome[],
    private readonly metric: string | undefined,
    private readonly mode: 'min' | 'max' | undefined,
    /** The experiment directory. */
    readonly experimentPath: string,
  ) {}

  /** Number of trials. */
  get length(): number {
    return this.results.length;
  }
  /** Errors of the trials that failed. */
  get errors(): Error[] {
    return this.results.flatMap((r) => (r.error ? [r.error] : []));
  }
  /** How many trials failed. */
  get numErrors(): number {
    return this.errors.length;
  }
  /** How many trials ended without error. */
  get numTerminated(): number {
    return this.results.filter((r) => r.status === 'TERMINATED').length;
  }

  /**
   * The trial with the best value of `metric` (`scope` 'last': in its last result; 'all':
   * in any of its results). Trials that failed or never reported the metric are skipped.
   * @throws TypeError when no metric/mode was given here nor in tuneConfig, RangeError when no trial reported it
   */
  getBestResult(metric = this.metric, mode = this.mode, scope: 'last' | 'all' = 'last'): TrialOutcome {
    if (!metric || !mode) throw new TypeError('getBestResult(metric, mode) needs a metric and a mode (or set them in tuneConfig)');
    if (mode !== 'min' && mode !== 'max') throw new TypeError(`getBestResult mode must be 'min' or 'max', got ${String(mode)}`);
    const sign = mode === 'max' ? 1 : -1;
    let best: TrialOutcome | undefined;
    let bestV = -Infinity;
    for (const r of this.results) {
      if (r.error) continue;
      const rows = scope === 'all' ? r.metricsHistory : r.metrics ? [r.metrics] : [];
      for (const row of rows) {
        const v = row[metric];
        if (typeof v !== 'number' || Number.isNaN(v)) continue;
        if (v * sign > bestV) {
          bestV = v * sign;
          best = r;
        }
      }
    }
    if (!best) throw new RangeError(`No trial reported the metric '${metric}' (${this.results.length} trials, ${this.numErrors} errored)`);
    return best;
  }

  /** One flat record per trial: its last metrics, `config/<key>` entries, status and error. */
  toRecords(): Record<string, unknown>[] {
    return this.results.map((r) => {
      const rec = flatten(r.metrics ?? {}, '', {});
      flatten(r.config, 'config', rec);
      rec.trialId = r.trialId;
      rec.status = r.status;
      rec.error = r.error ? r.error.message : null;
      return rec;
    });
  }

  /** The records of {@link toRecords} as an Arrow table (a column per key; missing values null). */
  toArrow(): Table {
    const records = this.toRecords();
    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    return tableFromJSON(records.map((r) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null]))));
  }
}
