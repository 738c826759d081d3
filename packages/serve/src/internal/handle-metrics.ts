/**
 * Requests queued in handles, for autoscaling (Ray counts them with the requests on
 * replicas). Each process's router reports its queued count for a deployment to the
 * controller every HANDLE_METRICS_REPORT_MS while it is non-zero, and once more when it drops
 * to zero; the controller keeps the last report of each handle and forgets a report older
 * than HANDLE_METRICS_EXPIRY_MS (its process went away, or lost the controller).
 */
import * as ray from '@ray-ts/core';
import { randomBytes } from 'node:crypto';
import type { ControllerActor } from './controller-actor.js';
import { CONTROLLER_NAME, HANDLE_METRICS_REPORT_MS, SERVE_NAMESPACE } from './constants.js';

/** Milliseconds after which the controller forgets a handle's report. */
export const HANDLE_METRICS_EXPIRY_MS = Math.max(3000, 4 * HANDLE_METRICS_REPORT_MS);

/** The controller's view: deployment key → handle id → last queued count and when it came. */
export class HandleMetricsStore {
  private readonly byDeployment = new Map<string, Map<string, { queued: number; at: number }>>();

  constructor(private readonly expiryMs = HANDLE_METRICS_EXPIRY_MS) {}

  /** Records a handle's report (the controller's clock, not the handle's). */
  report(deploymentKey: string, handleId: string, queued: number, nowMs: number): void {
    let m = this.byDeployment.get(deploymentKey);
    if (!m) this.byDeployment.set(deploymentKey, (m = new Map()));
    if (queued > 0) m.set(handleId, { queued, at: nowMs });
    else m.delete(handleId);
    if (m.size === 0) this.byDeployment.delete(deploymentKey);
  }

  /** Requests queued for a deployment over all handles with a fresh report; stale reports are dropped. */
  totalQueued(deploymentKey: string, nowMs: number): number {
    const m = this.byDeployment.get(deploymentKey);
    if (!m) return 0;
    let total = 0;
    for (const [id, r] of m) {
      if (nowMs - r.at > this.expiryMs) m.delete(id);
      else total += r.queued;
    }
    if (m.size === 0) this.byDeployment.delete(deploymentKey);
    return total;
  }

  /** Forgets the reports of an application's deployments (deleted). */
  forgetApp(appName: string): void {
    for (const k of this.byDeployment.keys()) if (k.startsWith(`${appName}#`)) this.byDeployment.delete(k);
  }
}

/** Key of a deployment in the store. */
export function deploymentKey(appName: string, deploymentName: string): string {
  return `${appName}#${deploymentName}`;
}

/** A router's side: sends its queued count while it is non-zero, and the zero that ends it. */
export class QueuedReporter {
  /** Unique per router (one per deployment per process). */
  readonly handleId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private lastSent = 0;
  private controller: ray.ActorHandle<ControllerActor> | undefined;
  private closed = false;

  constructor(private readonly appName: string, private readonly deploymentName: string, private readonly queued: () => number) {}

  /** Called when the queued count changes: starts the periodic reports if needed. */
  changed(): void {
    if (this.timer || this.closed || this.queued() === 0) return;
    void this.send();
    this.timer = setInterval(() => void this.send(), HANDLE_METRICS_REPORT_MS);
    this.timer.unref?.();
  }

  /** Stops reporting (the router is dropped). */
  close(): void {
    this.closed = true;
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    const n = this.queued();
    if (n === 0 && this.lastSent === 0) return this.stop();
    this.sending = true;
    try {
      this.controller ??= await ray.getActor<ControllerActor>(CONTROLLER_NAME, { namespace: SERVE_NAMESPACE });
      await ray.get(this.controller.reportHandleMetrics.remote(this.appName, this.deploymentName, this.handleId, n), { timeout: 5000 });
      this.lastSent = n;
    } catch {
      this.controller = undefined; // Serve is gone or restarting: try again on the next tick
    } finally {
      this.sending = false;
    }
    if (n === 0 && this.lastSent === 0) {
      this.stop();
      this.changed(); // requests queued again while the zero was on its way
    }
  }
}
