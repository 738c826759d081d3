/**
 * The default autoscaling policy (Ray Serve's): replicas = ceil(ongoing requests / target
 * per replica), clamped to [min, max], applied only after the wish to scale up (down) has
 * lasted `upscaleDelayS` (`downscaleDelayS`).
 */
import type { AutoscalingConfig } from '../options.js';

/** Decides a deployment's replica count from its load. */
export interface AutoscalingPolicy {
  /** The new target given the current one and the ongoing requests over all replicas. */
  decide(current: number, totalOngoing: number, nowMs: number): number;
}

/** Ray Serve's default policy on ongoing requests. */
export class OngoingRequestsPolicy implements AutoscalingPolicy {
  private upSince: number | undefined;
  private downSince: number | undefined;

  constructor(private readonly cfg: Readonly<Required<AutoscalingConfig>>) {}

  decide(current: number, totalOngoing: number, nowMs: number): number {
    const { minReplicas, maxReplicas, targetOngoingRequests, upscaleDelayS, downscaleDelayS } = this.cfg;
    const desired = Math.min(maxReplicas, Math.max(minReplicas, Math.ceil(totalOngoing / targetOngoingRequests)));
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
