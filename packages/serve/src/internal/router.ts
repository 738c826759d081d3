/**
 * Picks a replica for each request: power of two choices over the replicas that have room,
 * by the number of requests this process has in flight to each, never more than
 * `maxOngoingRequests` per replica (callers wait in a FIFO queue when all are full). The
 * replica list comes from the controller and is refreshed every HANDLE_REFRESH_MS and at
 * once when a replica is found dead. One router per deployment per process. A request for
 * a multiplexed model goes to a replica known to hold it (reported by the controller, or
 * where this router sent that model before) when one has room, else to any replica.
 */
import * as ray from '@ray-ts/core';
import { BackPressureError, DeploymentNotFoundError } from '../errors.js';
import type { ControllerActor } from './controller-actor.js';
import type { ReplicaActor } from './replica-actor.js';
import { CONTROLLER_NAME, HANDLE_REFRESH_MS, SERVE_NAMESPACE } from './constants.js';
import { QueuedReporter } from './handle-metrics.js';

/** Milliseconds a model sent to a replica counts as held there without the controller's word. */
const MODEL_GUESS_MS = 5000;

/** A replica as the controller reports it. */
export interface ReplicaInfo {
  /** Replica id, unique in its deployment. */
  id: string;
  /** The replica actor. */
  actor: ray.ActorHandle<ReplicaActor>;
  /** Multiplexed models it has loaded (as of the controller's last look). */
  modelIds?: string[];
}

/** What the controller answers to `getReplicas`. */
export interface ReplicaSet {
  /** False when the application or deployment does not exist. */
  found: boolean;
  replicas: ReplicaInfo[];
  maxOngoingRequests: number;
  maxQueuedRequests: number;
  /** Chunks a replica's stream may run ahead of its caller (-1: no limit). */
  streamBackpressureNumObjects: number;
}

/** Routes the requests of one deployment. */
export class Router {
  private replicas: ReplicaInfo[] = [];
  private readonly inflight = new Map<string, number>();
  private readonly dead = new Set<string>();
  private maxOngoing = 1;
  private maxQueued = -1;
  private queued = 0;
  /** Core stream options of this deployment's streaming calls (its `streamBackpressureNumObjects`). */
  streamOptions: { generatorBackpressureNumObjects: number } = { generatorBackpressureNumObjects: -1 };
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;
  private waiters: Array<() => void> = [];
  /** Model id → replicas the controller reported holding it. */
  private reported = new Map<string, Set<string>>();
  /** Model id → replica id → when this router last sent it that model (covers the report's lag). */
  private readonly sent = new Map<string, Map<string, number>>();

  /** Reports `queued` to the controller, which counts it for autoscaling. */
  private readonly reporter: QueuedReporter;

  constructor(readonly appName: string, readonly deploymentName: string) {
    this.reporter = new QueuedReporter(appName, deploymentName, () => this.queued);
  }

  /** Requests waiting in this router for a replica slot. */
  get queuedRequests(): number {
    return this.queued;
  }

  /** Stops reporting to the controller (the router is dropped). */
  close(): void {
    this.reporter.close();
  }

  /**
   * Waits for a replica with room, counts the request against it, and returns it. With a
   * `modelId`, replicas holding that model come first.
   */
  async acquire(modelId?: string): Promise<ReplicaInfo> {
    const started = Date.now();
    let waiting = false; // counted in `queued` while it waits for a slot
    try {
      for (;;) {
        if (this.replicas.length === 0 || Date.now() - this.lastRefresh > HANDLE_REFRESH_MS) {
          const p = this.refresh();
          if (this.replicas.length === 0) await p;
          else p.catch(() => undefined); // a failed background refresh is retried on the next request
        }
        let open = this.replicas.filter((r) => (this.inflight.get(r.id) ?? 0) < this.maxOngoing);
        if (modelId && open.length > 0) {
          const warm = open.filter((r) => this.holds(modelId, r.id));
          if (warm.length > 0) open = warm;
        }
        if (open.length > 0) {
          const a = open[Math.floor(Math.random() * open.length)]!;
          const b = open[Math.floor(Math.random() * open.length)]!;
          const pick = (this.inflight.get(a.id) ?? 0) <= (this.inflight.get(b.id) ?? 0) ? a : b;
          this.inflight.set(pick.id, (this.inflight.get(pick.id) ?? 0) + 1);
          if (modelId) this.noteModel(modelId, pick.id);
          return pick;
        }
        if (this.replicas.length === 0 && Date.now() - started > 120_000) {
          throw new DeploymentNotFoundError(this.appName, this.deploymentName, 'it has had no running replica for 120 s');
        }
        // Wait for a slot, or poll again shortly (new replicas may have started).
        if (!waiting) {
          if (this.maxQueued >= 0 && this.queued >= this.maxQueued) throw new BackPressureError(this.deploymentName, this.maxQueued);
          waiting = true;
          this.queued++;
          this.reporter.changed();
        }
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(t);
            this.waiters = this.waiters.filter((w) => w !== done);
            resolve();
          };
          const t = setTimeout(done, this.replicas.length === 0 ? 50 : 100);
          this.waiters.push(done);
        });
      }
    } finally {
      if (waiting) {
        this.queued--;
        this.reporter.changed();
      }
    }
  }

  /** Ends a request on a replica. */
  release(r: ReplicaInfo): void {
    const n = (this.inflight.get(r.id) ?? 1) - 1;
    if (n <= 0) this.inflight.delete(r.id);
    else this.inflight.set(r.id, n);
    this.waiters.shift()?.();
  }

  /** Marks a replica dead: it gets no more requests, and the list is fetched again. */
  markDead(r: ReplicaInfo): void {
    this.dead.add(r.id);
    this.replicas = this.replicas.filter((x) => x.id !== r.id);
    this.lastRefresh = 0;
  }

  private noteModel(modelId: string, replicaId: string): void {
    let m = this.sent.get(modelId);
    if (!m) this.sent.set(modelId, (m = new Map()));
    m.set(replicaId, Date.now());
  }

  private holds(modelId: string, replicaId: string): boolean {
    if (this.reported.get(modelId)?.has(replicaId)) return true;
    const at = this.sent.get(modelId)?.get(replicaId);
    return at !== undefined && Date.now() - at < MODEL_GUESS_MS;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.fetch().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetch(): Promise<void> {
    let controller: ray.ActorHandle<ControllerActor>;
    try {
      controller = await ray.getActor<ControllerActor>(CONTROLLER_NAME, { namespace: SERVE_NAMESPACE });
    } catch (err) {
      throw new DeploymentNotFoundError(this.appName, this.deploymentName, 'Serve is not running (no controller)');
    }
    const set = await ray.get(controller.getReplicas.remote(this.appName, this.deploymentName));
    if (!set.found) throw new DeploymentNotFoundError(this.appName, this.deploymentName);
    this.replicas = set.replicas.filter((r) => !this.dead.has(r.id));
    const reported = new Map<string, Set<string>>();
    for (const r of this.replicas) {
      for (const m of r.modelIds ?? []) {
        let set = reported.get(m);
        if (!set) reported.set(m, (set = new Set()));
        set.add(r.id);
      }
    }
    this.reported = reported;
    const now = Date.now();
    for (const [m, by] of this.sent) {
      for (const [id, at] of by) if (now - at >= MODEL_GUESS_MS) by.delete(id);
      if (by.size === 0) this.sent.delete(m);
    }
    this.maxOngoing = set.maxOngoingRequests;
    this.maxQueued = set.maxQueuedRequests;
    this.streamOptions = { generatorBackpressureNumObjects: set.streamBackpressureNumObjects ?? -1 };
    this.lastRefresh = Date.now();
    for (const w of this.waiters.splice(0)) w();
  }
}

const routers = new Map<string, Router>();

/** The process's router for a deployment. */
export function routerFor(appName: string, deploymentName: string): Router {
  const key = `${appName}#${deploymentName}`;
  let r = routers.get(key);
  if (!r) routers.set(key, (r = new Router(appName, deploymentName)));
  return r;
}

/** Forgets every router (after serve.shutdown / serve.delete). */
export function clearRouters(appName?: string): void {
  for (const [k, r] of routers) {
    if (appName !== undefined && r.appName !== appName) continue;
    r.close();
    routers.delete(k);
  }
}
