/**
 * The default autoscaling policy (Ray Serve's): the load — requests running or queued on
 * replicas plus requests queued in handles — is sampled on every control-loop pass and
 * averaged over the last `lookBackPeriodS`; replicas = ceil(average / target per replica),
 * clamped to [min, max], applied only after the wish to scale up (down) has lasted
 * `upscaleDelayS` (`downscaleDelayS`).
 */
import type { AutoscalingConfig } from '../options.js';

/** Decides a deployment's replica count from its load. */
export interface AutoscalingPolicy {
  /**
   * Records `totalOngoing` (requests at replicas plus queued in handles) measured at `nowMs`
   * and returns the new target given the current one.
   */
  decide(current: number, totalOngoing: number, nowMs: number): number;
}

/**
 * Samples of a value over a sliding time window. The average is over the samples present,
 * so a window that has not filled yet (a deployment started a moment ago) is not diluted
 * by history it never had; the latest sample is always kept.
 */
export class LookBackWindow {
  private samples: Array<{ at: number; value: number }> = [];

  constructor(private readonly periodMs: number) {}

  /** Adds a sample and drops those older than the period. */
  add(value: number, nowMs: number): void {
    this.samples.push({ at: nowMs, value });
    const from = nowMs - this.periodMs;
    let drop = 0;
    while (drop < this.samples.length - 1 && this.samples[drop]!.at <= from) drop++;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }

  /** Mean of the samples in the window (0 with none). */
  average(): number {
    if (this.samples.length === 0) return 0;
    let sum = 0;
    for (const s of this.samples) sum += s.value;
    return sum / this.samples.length;
  }

  /** Samples held. */
  get size(): number {
    return this.samples.length;
  }
}

/** Ray Serve's default policy on ongoing requests. */
export class OngoingRequestsPolicy implements AutoscalingPolicy {
  private upSince: number | undefined;
  private downSince: number | undefined;
  private readonly window: LookBackWindow;

  constructor(private readonly cfg: Readonly<Required<AutoscalingConfig>>) {
    this.window = new LookBackWindow(cfg.lookBackPeriodS * 1000);
  }

  /** The load the last decision was made on: the window's average. */
  get averageOngoing(): number {
    return this.window.average();
  }

  decide(current: number, totalOngoing: number, nowMs: number): number {
    const { minReplicas, maxReplicas, targetOngoingRequests, upscaleDelayS, downscaleDelayS } = this.cfg;
    this.window.add(totalOngoing, nowMs);
    const desired = Math.min(maxReplicas, Math.max(minReplicas, Math.ceil(this.window.average() / targetOngoingRequests)));
    if (desired > current) {
      this.downSince = undefined;
      this.upSince ??= nowMs;
      if (nowMs - this.upSince >= upscaleDelayS * 1000) {
        this.upSince = undefined;
        return desired;
      }
    } else if (desired < current) {
      this.upSince = undefined;
      this.downSince ??= nowMs;
      if (nowMs - this.downSince >= downscaleDelayS * 1000) {
        this.downSince = undefined;
        return desired;
      }
    } else {
      this.upSince = this.downSince = undefined;
    }
    return current;
  }
}
