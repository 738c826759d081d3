/**
 * Ray's MedianStoppingRule: stop a trial whose best result so far is worse than the median
 * of the other trials' running averages at the same point in time. Applies after
 * `gracePeriod` and only when at least `minSamplesRequired` other trials got that far.
 */
import { checkMode, checkSaved, savedNumber, type ResumableScheduler, type SchedulerDecision, type TrialResult } from './scheduler.js';

/** Options of {@link MedianStoppingRule}. */
export interface MedianStoppingRuleOptions {
  /** Result field that measures progress. @default 'timeTotalS' */
  timeAttr?: string;
  /** Metric to compare; defaults to tuneConfig.metric. */
  metric?: string;
  /** 'min' or 'max'; defaults to tuneConfig.mode. */
  mode?: 'min' | 'max';
  /** No stopping before this `timeAttr`. @default 60 */
  gracePeriod?: number;
  /** Other trials needed to compute a median. @default 3 */
  minSamplesRequired?: number;
}

/** Stops trials that fall below the median of the others. */
export class MedianStoppingRule implements ResumableScheduler {
  private readonly timeAttr: string;
  private metric: string | undefined;
  private mode: 'min' | 'max' | undefined;
  private readonly grace: number;
  private readonly minSamples: number;
  /** Per trial: (time, sign-adjusted metric) of every result. */
  private history = new Map<string, { t: number; v: number }[]>();

  constructor(options: MedianStoppingRuleOptions = {}) {
    this.timeAttr = options.timeAttr ?? 'timeTotalS';
    this.metric = options.metric;
    this.mode = checkMode('MedianStoppingRule', options.mode);
    this.grace = options.gracePeriod ?? 60;
    if (typeof this.grace !== 'number' || !(this.grace >= 0)) throw new RangeError(`MedianStoppingRule options.gracePeriod must be >= 0, got ${this.grace}`);
    this.minSamples = options.minSamplesRequired ?? 3;
    if (!Number.isInteger(this.minSamples) || this.minSamples < 1) throw new RangeError(`MedianStoppingRule options.minSamplesRequired must be an integer >= 1, got ${this.minSamples}`);
  }

  get metricsUsed(): readonly string[] {
    return this.metric ? [this.metric] : [];
  }

  setSearchProperties(metric: string | undefined, mode: 'min' | 'max' | undefined): void {
    this.metric ??= metric;
    this.mode ??= mode;
    if (!this.metric || !this.mode) throw new TypeError('MedianStoppingRule needs a metric and a mode: set them on the scheduler or in tuneConfig');
  }

  onTrialResult(trialId: string, result: TrialResult): SchedulerDecision {
    const t = Number(result[this.timeAttr]);
    const v = Number(result[this.metric!]) * (this.mode === 'max' ? 1 : -1);
    const mine = this.history.get(trialId) ?? [];
    mine.push({ t, v });
    this.history.set(trialId, mine);
    if (t < this.grace) return 'CONTINUE';
    const averages: number[] = [];
    for (const [id, h] of this.history) {
      if (id === trialId || h.length === 0 || h[h.length - 1]!.t < t) continue;
      const upTo = h.filter((r) => r.t <= t);
      averages.push(upTo.reduce((s, r) => s + r.v, 0) / upTo.length);
    }
    if (averages.length < this.minSamples) return 'CONTINUE';
    averages.sort((a, b) => a - b);
    const mid = averages.length / 2;
    const median = averages.length % 2 ? averages[Math.floor(mid)]! : (averages[mid - 1]! + averages[mid]!) / 2;
    const best = Math.max(...mine.map((r) => r.v));
    return best < median ? 'STOP' : 'CONTINUE';
  }

  onTrialComplete(): void {}

  /** Every trial's (time, metric) history. */
  save(): unknown {
    return { kind: 'medianStopping', history: [...this.history] };
  }

  /** Restores the histories. */
  restore(state: unknown): void {
    const s = checkSaved<{ history: [string, { t: number | null; v: number | null }[]][] }>('MedianStoppingRule', 'medianStopping', state);
    this.history = new Map(s.history.map(([id, h]) => [id, h.map((r) => ({ t: savedNumber(r.t), v: savedNumber(r.v) }))]));
  }
}
