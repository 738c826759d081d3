/**
 * The HTTP proxies, as the controller keeps them (Ray Serve's proxy state manager): one
 * proxy actor per node the plan names (see proxy-plan.ts: every node, or the head only),
 * pinned to its node by node-affinity scheduling. Every RAY_TS_SERVE_PROXY_RECONCILE_MS
 * it reads the node table: nodes that joined get a proxy, proxies of nodes that left are
 * removed, and a proxy whose actor died is started again. Each proxy gets the route table.
 */
import * as ray from '@ray-ts/core';
import { PROXY_NAME, SERVE_NAMESPACE } from './constants.js';
import { HttpProxy, type ProxyActor, type Route } from './proxy-actor.js';
import { planProxies, type PlanNode, type ProxyLocation, type ProxyPlacement } from './proxy-plan.js';
import type { ProxyStatus } from './app-spec.js';
import { ServeError } from '../errors.js';

/** Milliseconds between passes over the node table. */
const PROXY_RECONCILE_MS = Number(process.env.RAY_TS_SERVE_PROXY_RECONCILE_MS ?? 1000);
/** Milliseconds before a proxy that failed to start is tried again. */
const RETRY_MS = 5000;

interface ProxyState {
  placement: ProxyPlacement;
  /** Actor name (namespace serve). */
  name: string;
  actor?: ray.ActorHandle<ProxyActor>;
  port?: number;
  status: ProxyStatus['status'];
  message?: string;
  retryAt: number;
}

/** Proxy settings from `serve.run` (the first call sets them). */
export interface ProxyConfig {
  host: string;
  port: number;
  location: ProxyLocation;
}

function killQuietly(actor: ray.ActorHandle<unknown> | undefined): void {
  try {
    if (actor) ray.kill(actor);
  } catch {
    /* already gone */
  }
}

/**
 * Waits (up to 10 s) until no actor holds `name`: a killed proxy's name is freed a moment
 * later, and a proxy started under that name before then would find the dying one.
 */
async function nameFreed(name: string): Promise<void> {
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    try {
      await ray.getActor(name, { namespace: SERVE_NAMESPACE });
    } catch (err) {
      if (err instanceof ray.ActorNotFoundError) return;
    }
  }
}

/** Starts, tracks and stops the proxies. */
export class ProxyManager {
  private config: ProxyConfig | undefined;
  private readonly proxies = new Map<string, ProxyState>();
  private routes: Route[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;

  /**
   * Sets the proxy settings (once; later calls keep the first ones) and starts the proxies of
   * the nodes there are now. Throws when no proxy could start (e.g. the port is taken).
   */
  async configure(config: ProxyConfig): Promise<void> {
    if (!this.config) {
      this.config = config;
      this.timer = setInterval(() => void this.reconcile(), PROXY_RECONCILE_MS);
    }
    await this.reconcile();
    const states = [...this.proxies.values()];
    if (states.length > 0 && !states.some((p) => p.status === 'HEALTHY')) {
      const message = states.find((p) => p.message)?.message ?? 'no proxy could start';
      await this.stop();
      throw new ServeError(`The HTTP proxy could not start ${message}. Free the port or pass another one (serve.run({ port })).`);
    }
  }

  /** Sends the route table to every proxy (and to the ones that start later). */
  async setRoutes(routes: Route[]): Promise<void> {
    this.routes = routes;
    await Promise.all([...this.proxies.values()].map((p) => this.push(p)));
  }

  /** Where the proxies are. */
  list(): ProxyStatus[] {
    const host = this.config?.host ?? '';
    const wildcard = host === '0.0.0.0' || host === '::';
    return [...this.proxies.values()].map((p) => ({
      nodeId: p.placement.nodeId, host, port: p.port ?? p.placement.port,
      address: `${wildcard ? p.placement.nodeHost || '127.0.0.1' : host}:${p.port ?? p.placement.port}`,
      status: p.status, ...(p.message ? { message: p.message } : {}),
    }));
  }

  /** Stops every proxy (freeing its port) and forgets the settings. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.config = undefined;
    await this.pass?.catch(() => undefined);
    const all = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(all.map(async (p) => {
      if (p.actor) await ray.get(p.actor.stop.remote(), { timeout: 10_000 }).catch(() => undefined);
      killQuietly(p.actor);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([nameFreed(p.name), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
    }));
  }

  /** One pass over the node table (concurrent callers share it). */
  reconcile(): Promise<void> {
    this.pass ??= this.reconcileOnce().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async reconcileOnce(): Promise<void> {
    const config = this.config;
    if (!config) return;
    let nodes: PlanNode[];
    try {
      nodes = await ray.state.listNodes();
    } catch {
      return; // the head is unreachable for now: keep what runs
    }
    const offsets = new Map([...this.proxies].map(([id, p]) => [id, p.placement.offset]));
    const plan = planProxies(nodes, config.location, config.port, offsets);
    const wanted = new Set(plan.map((p) => p.nodeId));
    for (const [nodeId, p] of this.proxies) {
      if (wanted.has(nodeId)) continue;
      this.proxies.delete(nodeId); // its node left
      killQuietly(p.actor);
    }
    const head = plan[0]?.nodeId;
    await Promise.all(plan.map(async (placement) => {
      const p = this.proxies.get(placement.nodeId);
      if (!p) return this.start(placement, config, placement.nodeId === head);
      if (!p.actor && Date.now() >= p.retryAt) return this.start(placement, config, placement.nodeId === head);
      if (p.actor && p.status === 'HEALTHY') await this.check(p);
    }));
  }

  private async start(placement: ProxyPlacement, config: ProxyConfig, isHead: boolean): Promise<void> {
    // The head's proxy keeps Serve's well-known name; the others are named after their node.
    const name = isHead ? PROXY_NAME : `${PROXY_NAME}::${placement.nodeId}`;
    const p: ProxyState = { placement, name, status: 'STARTING', retryAt: 0 };
    this.proxies.set(placement.nodeId, p);
    try {
      p.actor = HttpProxy.options({
        name, namespace: SERVE_NAMESPACE, getIfExists: true, schedulingStrategy: { type: 'NODE_AFFINITY', nodeId: placement.nodeId, soft: false },
      }).remote();
      p.port = await ray.get(p.actor.start.remote(config.host, placement.port), { timeout: 60_000 });
      const sent = this.routes;
      await ray.get(p.actor.setRoutes.remote(sent));
      p.status = 'HEALTHY';
      p.message = undefined;
      if (this.routes !== sent) await this.push(p); // the routes changed while it started
    } catch (err) {
      this.failed(p, `on node ${placement.nodeId} (${config.host}:${placement.port}): ${(err as Error)?.message ?? err}`);
    }
  }

  /** A proxy is alive (a dead one is started again at a later pass). */
  private async check(p: ProxyState): Promise<void> {
    try {
      await ray.get(p.actor!.ping.remote(), { timeout: 5000 });
    } catch (err) {
      if (err instanceof ray.GetTimeoutError) return; // busy, not dead
      this.failed(p, `its actor died: ${(err as Error)?.message ?? err}`);
    }
  }

  private async push(p: ProxyState): Promise<void> {
    if (!p.actor || p.status !== 'HEALTHY') return; // a starting proxy takes the routes when it is up
    try {
      await ray.get(p.actor.setRoutes.remote(this.routes), { timeout: 10_000 });
    } catch (err) {
      if (!(err instanceof ray.GetTimeoutError)) this.failed(p, `its actor died: ${(err as Error)?.message ?? err}`);
    }
  }

  private failed(p: ProxyState, message: string): void {
    killQuietly(p.actor);
    p.actor = undefined;
    p.port = undefined;
    p.status = 'UNHEALTHY';
    p.message = message;
    p.retryAt = Date.now() + RETRY_MS;
  }
}

