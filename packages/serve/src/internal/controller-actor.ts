/**
 * The controller: a detached, named actor that keeps Serve's state — applications, their
 * deployments and replica actors, and the HTTP proxy actors (one per node: proxy-manager.ts).
 * A control loop checks each replica's health and load, replaces dead replicas, and applies
 * autoscaling.
 */
import * as ray from '@ray-ts/core';
import { randomBytes } from 'node:crypto';
import type { ApplicationStatus, AppSpec, DeploymentSpec, ServeStatus } from './app-spec.js';
import { OngoingRequestsPolicy, type AutoscalingPolicy } from './autoscaling-policy.js';
import { HandleMetricsStore, deploymentKey } from './handle-metrics.js';
import { canUpdateInPlace, lightweightChange } from './in-place-update.js';
import { DeployTimeoutError } from '../errors.js';
import { DEFAULT_STREAM_BACKPRESSURE } from '../options.js';
import { CONTROL_LOOP_MS, SERVE_NAMESPACE, replicaActorName } from './constants.js';
import type { Route } from './proxy-actor.js';
import { ProxyManager } from './proxy-manager.js';
import type { ProxyLocation } from './proxy-plan.js';
import { Replica, type ReplicaActor, type ReplicaMetrics } from './replica-actor.js';
import type { ReplicaSet } from './router.js';

interface ReplicaState {
  id: string;
  name: string;
  actor: ray.ActorHandle<ReplicaActor>;
  running: boolean;
  /** Multiplexed models loaded, from its last metrics. */
  modelIds: string[];
}

interface DeploymentState {
  spec: DeploymentSpec;
  target: number;
  replicas: Map<string, ReplicaState>;
  policy?: AutoscalingPolicy;
  failures: number;
  message?: string;
}

interface AppState {
  spec: AppSpec;
  deployments: Map<string, DeploymentState>;
}

/** The controller actor class. */
export class ControllerActor {
  private readonly apps = new Map<string, AppState>();
  /** The HTTP proxies (one per node, or on the head only). */
  private readonly proxies = new ProxyManager();
  private proxyStarted = false;
  private loop: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Replicas removed from their deployment, finishing their calls before they stop. */
  private readonly draining = new Set<ray.ActorHandle<ReplicaActor>>();
  /** Requests queued in handles, as their routers report them (handle-metrics.ts). */
  private readonly handleMetrics = new HandleMetricsStore();

  /** Starts the HTTP proxies once (the first call's settings hold); returns the first proxy's port. */
  async ensureProxy(host: string, port: number, location: ProxyLocation = 'EveryNode'): Promise<number> {
    if (!this.proxyStarted) {
      await this.proxies.configure({ host, port, location });
      this.proxyStarted = true;
      await this.pushRoutes();
    }
    return this.proxies.list()[0]?.port ?? port;
  }

  /**
   * Deploys an application and waits until every replica is ready. An application of the
   * same name is replaced by a rolling update: the new replicas start while the old ones
   * keep serving, then the routes switch and the old replicas drain and stop.
   */
  async deployApp(spec: AppSpec): Promise<void> {
    const old = this.apps.get(spec.name);
    const prefixOwner = [...this.apps.values()].find((a) => a.spec.name !== spec.name && spec.routePrefix !== null && a.spec.routePrefix === spec.routePrefix);
    if (prefixOwner) throw new TypeError(`routePrefix '${spec.routePrefix}' is already used by application '${prefixOwner.spec.name}'; give each application its own routePrefix.`);
    if (old && canUpdateInPlace(old.spec, spec)) return await this.updateInPlace(old, spec);
    const app: AppState = { spec, deployments: new Map() };
    for (const d of spec.deployments) {
      const auto = d.options.autoscalingConfig;
      app.deployments.set(d.name, {
        spec: d, replicas: new Map(), failures: 0,
        target: auto ? Math.max(1, auto.minReplicas) : d.options.numReplicas,
        policy: auto ? new OngoingRequestsPolicy(auto) : undefined,
      });
    }
    // Not in this.apps until ready: the control loop leaves a starting version alone.
    const starts: Promise<void>[] = [];
    for (const d of app.deployments.values()) for (let i = 0; i < d.target; i++) starts.push(this.startReplica(spec.name, d));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeployTimeoutError(spec.name, spec.readyTimeoutMs)), spec.readyTimeoutMs);
    });
    try {
      await Promise.race([Promise.all(starts), timeout]);
    } catch (err) {
      for (const d of app.deployments.values()) for (const r of d.replicas.values()) killQuietly(r.actor);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    this.apps.set(spec.name, app);
    await this.pushRoutes();
    if (old) for (const d of old.deployments.values()) for (const r of d.replicas.values()) void this.drain(r.actor);
    this.loop ??= setInterval(() => void this.tick(), CONTROL_LOOP_MS);
  }

  /** Applies a lightweight update to running replicas (see in-place-update.ts) and waits for the new target counts. */
  private async updateInPlace(app: AppState, spec: AppSpec): Promise<void> {
    const reconfigures: Promise<unknown>[] = [];
    for (const next of spec.deployments) {
      const d = app.deployments.get(next.name)!;
      const change = lightweightChange(d.spec, next);
      d.spec = next;
      d.failures = 0;
      const auto = next.options.autoscalingConfig;
      if (change.autoscaling) d.policy = auto ? new OngoingRequestsPolicy(auto) : undefined;
      d.target = auto ? Math.min(auto.maxReplicas, Math.max(auto.minReplicas, d.target, 1)) : next.options.numReplicas;
      if (change.userConfig) {
        for (const r of d.replicas.values()) if (r.running) reconfigures.push(ray.get(r.actor.reconfigure.remote(next.options.userConfig)));
      }
    }
    await Promise.all(reconfigures);
    app.spec = spec;
    await this.pushRoutes();
    const end = Date.now() + spec.readyTimeoutMs;
    for (;;) {
      await this.tick();
      const settled = [...app.deployments.values()].every((d) => [...d.replicas.values()].filter((r) => r.running).length === d.target && d.replicas.size === d.target);
      if (settled) return;
      if (Date.now() > end) throw new DeployTimeoutError(spec.name, spec.readyTimeoutMs, 'reach its new replica counts');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The running replicas of a deployment, for handles' routers. */
  async getReplicas(appName: string, deploymentName: string): Promise<ReplicaSet> {
    const d = this.apps.get(appName)?.deployments.get(deploymentName);
    if (!d) return { found: false, replicas: [], maxOngoingRequests: 1, maxQueuedRequests: -1, streamBackpressureNumObjects: -1 };
    const replicas = [...d.replicas.values()].filter((r) => r.running).map((r) => ({ id: r.id, actor: r.actor, modelIds: r.modelIds }));
    const o = d.spec.options;
    return {
      found: true, replicas, maxOngoingRequests: o.maxOngoingRequests, maxQueuedRequests: o.maxQueuedRequests,
      streamBackpressureNumObjects: o.streamBackpressureNumObjects ?? DEFAULT_STREAM_BACKPRESSURE,
    };
  }

  /** A handle's (router's) count of requests waiting for a replica slot, for autoscaling. */
  async reportHandleMetrics(appName: string, deploymentName: string, handleId: string, queued: number): Promise<void> {
    this.handleMetrics.report(deploymentKey(appName, deploymentName), handleId, queued, Date.now());
  }

  /** Serve's state. */
  async status(): Promise<ServeStatus> {
    const applications: Record<string, ApplicationStatus> = {};
    for (const [name, app] of this.apps) {
      const deployments: ApplicationStatus['deployments'] = {};
      for (const [dn, d] of app.deployments) {
        const running = [...d.replicas.values()].filter((r) => r.running);
        const st = d.message && running.length === 0 ? 'UNHEALTHY' : running.length === d.target && d.replicas.size === d.target ? 'HEALTHY' : 'UPDATING';
        deployments[dn] = { status: st, targetReplicas: d.target, runningReplicas: running.length, replicaNames: running.map((r) => r.name), message: d.message };
      }
      const sts = Object.values(deployments).map((d) => d.status);
      applications[name] = {
        status: sts.includes('UNHEALTHY') ? 'UNHEALTHY' : sts.every((s) => s === 'HEALTHY') ? 'RUNNING' : 'DEPLOYING',
        routePrefix: app.spec.routePrefix, ingress: app.spec.ingress, deployments,
      };
    }
    const proxies = this.proxies.list();
    const first = proxies.find((p) => p.status === 'HEALTHY') ?? proxies[0];
    return { ...(first ? { proxy: { host: first.host, port: first.port }, proxies } : {}), applications };
  }

  /** Stops an application's replicas and removes its route. */
  async deleteApp(name: string): Promise<boolean> {
    const app = this.apps.get(name);
    if (!app) return false;
    this.apps.delete(name);
    this.handleMetrics.forgetApp(name);
    for (const d of app.deployments.values()) for (const r of d.replicas.values()) killQuietly(r.actor);
    await this.pushRoutes();
    return true;
  }

  /** Stops everything but the controller itself (the caller kills it next). */
  async shutdown(): Promise<void> {
    clearInterval(this.loop);
    this.loop = undefined;
    for (const name of [...this.apps.keys()]) await this.deleteApp(name);
    await this.proxies.stop();
    this.proxyStarted = false;
    for (const a of this.draining) killQuietly(a);
    this.draining.clear();
  }

  private async drain(actor: ray.ActorHandle<ReplicaActor>): Promise<void> {
    this.draining.add(actor);
    try {
      await drainAndKill(actor);
    } finally {
      this.draining.delete(actor);
    }
  }

  private async startReplica(appName: string, d: DeploymentState): Promise<void> {
    const id = randomBytes(4).toString('hex');
    const name = replicaActorName(appName, d.spec.name, id);
    const actor = Replica.options({ ...(d.spec.options.rayActorOptions as ray.ActorOptions), name, namespace: SERVE_NAMESPACE }).remote({
      appName, deploymentName: d.spec.name, replicaId: id, definition: d.spec.definition, args: d.spec.args, userConfig: d.spec.options.userConfig,
    });
    const r: ReplicaState = { id, name, actor, running: false, modelIds: [] };
    d.replicas.set(id, r);
    try {
      await ray.get(actor.ready.remote());
      r.running = true;
      d.message = undefined;
    } catch (err) {
      d.replicas.delete(id);
      d.failures++;
      d.message = `a replica failed to start: ${(err as Error)?.message ?? err}`;
      killQuietly(actor);
      throw err;
    }
  }

  private async pushRoutes(): Promise<void> {
    if (!this.proxyStarted) return;
    const routes: Route[] = [];
    for (const app of this.apps.values()) {
      if (app.spec.routePrefix === null) continue;
      const ingress = app.deployments.get(app.spec.ingress)!;
      routes.push({ prefix: app.spec.routePrefix, appName: app.spec.name, ingress: app.spec.ingress, methods: ingress.spec.methods, timeoutS: app.spec.requestTimeoutS });
    }
    await this.proxies.setRoutes(routes);
  }

  /** One pass of the control loop: health, load, autoscaling, replacement. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const [appName, app] of this.apps) for (const d of app.deployments.values()) await this.reconcile(appName, d);
    } finally {
      this.ticking = false;
    }
  }

  private async reconcile(appName: string, d: DeploymentState): Promise<void> {
    const running = [...d.replicas.values()].filter((r) => r.running);
    let ongoing = 0;
    await Promise.all(running.map(async (r) => {
      try {
        const m = (await ray.get(r.actor.getMetrics.remote(), { timeout: 5000 })) as ReplicaMetrics;
        ongoing += m.ongoing;
        r.modelIds = m.modelIds;
      } catch (err) {
        if (err instanceof ray.GetTimeoutError) return; // busy, not dead
        d.replicas.delete(r.id); // dead, or its checkHealth() threw: replace it
        d.message = `replica ${r.id} failed its health check: ${(err as Error)?.message ?? err}`;
        killQuietly(r.actor);
      }
    }));
    if (d.policy) {
      // Ray's load: requests on replicas plus requests waiting in handles for a replica slot.
      const now = Date.now();
      d.target = d.policy.decide(d.target, ongoing + this.handleMetrics.totalQueued(deploymentKey(appName, d.spec.name), now), now);
    }
    const live = [...d.replicas.values()];
    if (live.length < d.target && d.failures < 10) {
      for (let i = live.length; i < d.target; i++) this.startReplica(appName, d).catch(() => undefined);
    } else if (live.length > d.target) {
      const extra = live.sort((a, b) => Number(a.running) - Number(b.running)).slice(0, live.length - d.target);
      for (const r of extra) {
        d.replicas.delete(r.id);
        void this.drain(r.actor);
      }
    }
  }
}

function killQuietly(actor: ray.ActorHandle<unknown>): void {
  try {
    ray.kill(actor);
  } catch {
    /* already gone */
  }
}

/** Lets a removed replica finish its ongoing calls (up to 10 s), then kills it. */
async function drainAndKill(actor: ray.ActorHandle<ReplicaActor>): Promise<void> {
  const until = Date.now() + 10_000;
  await new Promise((r) => setTimeout(r, 1500)); // routers drop it at their next refresh
  while (Date.now() < until) {
    const m = (await ray.get(actor.getMetrics.remote(), { timeout: 2000 }).catch(() => ({ ongoing: 0 }))) as { ongoing: number };
    if (m.ongoing === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  killQuietly(actor);
}

/** The controller actor class made remote. */
export const Controller = ray.remote(ControllerActor);
