/**
 * Asynchronous successive halving (Ray's ASHAScheduler / AsyncHyperBandScheduler with one
 * bracket). Rungs sit at `gracePeriod * reductionFactor^k` (up to `maxT`). The first time a
 * trial's `timeAttr` reaches a rung, its metric is compared with the values recorded at that
 * rung by earlier trials: below the `(1 - 1/reductionFactor)` quantile (in the direction of
 * `mode`) it is stopped; either way its value is recorded. Trials stop at `maxT`.
 */
import { checkMode, checkSaved, savedNumber, type ResumableScheduler, type SchedulerDecision, type TrialResult } from './scheduler.js';

/** Options of {@link ASHAScheduler}. */
export interface ASHASchedulerOptions {
  /** Result field that measures progress. @default 'trainingIteration' */
  timeAttr?: string;
  /** Metric to compare; defaults to tuneConfig.metric. */
  metric?: string;
  /** 'min' or 'max'; defaults to tuneConfig.mode. */
  mode?: 'min' | 'max';
  /** Trials run at least this long (the first rung). @default 1 */
  gracePeriod?: number;
  /** Trials stop at this `timeAttr`. @default 100 */
  maxT?: number;
  /** Keep the top 1/reductionFactor at each rung. @default 4 */
  reductionFactor?: number;
}

function positive(name: string, v: number): number {
  if (typeof v !== 'number' || !(v > 0)) throw new RangeError(`ASHAScheduler options.${name} must be a number > 0, got ${v}`);
  return v;
}

/** Linear-interpolated percentile (numpy's default), ignoring NaN. */
export function percentile(values: number[], p: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (p / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

/** Asynchronous successive halving. */
export class ASHAScheduler implements ResumableScheduler {
  private readonly timeAttr: string;
  private metric: string | undefined;
  private mode: 'min' | 'max' | undefined;
  private readonly maxT: number;
  private readonly rf: number;
  /** Rungs, largest milestone first; each maps trial id → recorded (sign-adjusted) metric. */
  readonly rungs: { readonly milestone: number; recorded: Map<string, number> }[] = [];

  constructor(options: ASHASchedulerOptions = {}) {
    this.timeAttr = options.timeAttr ?? 'trainingIteration';
    this.metric = options.metric;
    this.mode = checkMode('ASHAScheduler', options.mode);
    const grace = positive('gracePeriod', options.gracePeriod ?? 1);
    this.maxT = positive('maxT', options.maxT ?? 100);
    this.rf = positive('reductionFactor', options.reductionFactor ?? 4);
    if (this.rf <= 1) throw new RangeError(`ASHAScheduler options.reductionFactor must be > 1, got ${this.rf}`);
    if (grace > this.maxT) throw new RangeError(`ASHAScheduler options.gracePeriod (${grace}) must be <= maxT (${this.maxT})`);
    for (let m = grace; m <= this.maxT * (1 + 1e-9); m *= this.rf) this.rungs.unshift({ milestone: m, recorded: new Map() });
  }

  get metricsUsed(): readonly string[] {
    return this.metric ? [this.metric] : [];
  }

  /** The rung milestones, smallest first. */
  get milestones(): number[] {
    return this.rungs.map((r) => r.milestone).reverse();
  }

  setSearchProperties(metric: string | undefined, mode: 'min' | 'max' | undefined): void {
    this.metric ??= metric;
    this.mode ??= mode;
    if (!this.metric || !this.mode) throw new TypeError('ASHAScheduler needs a metric and a mode: set them on the scheduler or in tuneConfig');
  }

  onTrialResult(trialId: string, result: TrialResult): SchedulerDecision {
    const t = Number(result[this.timeAttr]);
    if (t >= this.maxT) return 'STOP';
    const value = Number(result[this.metric!]) * (this.mode === 'max' ? 1 : -1);
    for (const rung of this.rungs) {
      if (t < rung.milestone || rung.recorded.has(trialId)) continue;
      const cutoff = rung.recorded.size ? percentile([...rung.recorded.values()], (1 - 1 / this.rf) * 100) : undefined;
      rung.recorded.set(trialId, value);
      return cutoff !== undefined && value < cutoff ? 'STOP' : 'CONTINUE';
    }
    return 'CONTINUE';
  }

  onTrialComplete(): void {}

  /** The values recorded at each rung. */
  save(): unknown {
    return { kind: 'asha', rungs: this.rungs.map((r) => ({ milestone: r.milestone, recorded: [...r.recorded] })) };
  }

  /** Restores the rungs' records (saved rungs whose milestone this scheduler does not have are ignored). */
  restore(state: unknown): void {
    const s = checkSaved<{ rungs: { milestone: number; recorded: [string, number | null][] }[] }>('ASHAScheduler', 'asha', state);
    for (const saved of s.rungs) {
      const rung = this.rungs.find((r) => Math.abs(r.milestone - saved.milestone) <= 1e-9 * Math.max(1, r.milestone));
      if (rung) rung.recorded = new Map(saved.recorded.map(([id, v]) => [id, savedNumber(v)]));
    }
  }
}
