/**
 * The head service (Ray's GCS): the cluster's node table with heartbeats, the actor
 * table with global names, an internal key-value store, and the push of changes to
 * every node. It runs inside the head node process; nodes reach it over their link to
 * the head. Durable tables go to a {@link GcsStore} (memory, or Redis with
 * `--redis-address`), so a restarted head recovers its actors, names and KV.
 */
import type { GcsStore } from './store.js';
import type { ActorEntry, NodeView } from './gcs-types.js';
import { fits } from '../node/resources.js';
import { config } from '../config.js';
import { PlacementGroupManager } from './placement-groups.js';

/** A node's connection as the head sees it. */
export interface GcsPeer {
  readonly id: string;
  send(msg: Record<string, unknown> & { t: string }): void;
}

type Msg = Record<string, any> & { t: string };

/** Options of a {@link GcsServer}. */
export interface GcsOptions {
  store: GcsStore;
  /** A node silent this long is declared dead. */
  nodeTimeoutMs?: number;
}

/** The cluster state service of the head. */
export class GcsServer {
  readonly nodes = new Map<string, NodeView>();
  readonly actors = new Map<string, ActorEntry>();
  private readonly peers = new Map<string, GcsPeer>();
  private readonly names = new Map<string, string>();
  private readonly kv = new Map<string, Uint8Array>();
  private readonly timer: NodeJS.Timeout;
  private viewDirty = false;
  readonly startedAt = Date.now();
  /** Extra handlers by message type (jobs). */
  readonly handlers = new Map<string, (peer: GcsPeer, m: Msg) => unknown>();
  /** Placement groups. */
  readonly pgs: PlacementGroupManager;
  private readonly reserveWaits = new Map<number, (ok: boolean) => void>();
  private reserveSeq = 0;

  constructor(private readonly opts: GcsOptions) {
    this.pgs = new PlacementGroupManager({
      store: opts.store,
      nodes: () => [...this.nodes.values()].filter((n) => n.state === 'ALIVE').map((n) => ({ nodeId: n.nodeId, available: n.available })),
      reserve: (nodeId, pgId, bundles) =>
        new Promise<boolean>((resolve) => {
          const rid = ++this.reserveSeq;
          const timer = setTimeout(() => {
            this.reserveWaits.delete(rid);
            resolve(false);
          }, 10_000);
          this.reserveWaits.set(rid, (ok) => {
            clearTimeout(timer);
            resolve(ok);
          });
          if (!this.sendTo(nodeId, { t: 'gcs.pgReserve', rid, pgId, bundles })) {
            this.reserveWaits.delete(rid);
            clearTimeout(timer);
            resolve(false);
          }
        }),
      release: (nodeId, pgId) => void this.sendTo(nodeId, { t: 'gcs.pgRelease', pgId }),
    });
    const timeout = opts.nodeTimeoutMs ?? config.nodeTimeoutMs;
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const n of this.nodes.values()) {
        if (n.state === 'ALIVE' && now - n.lastSeen > timeout) this.nodeDied(n.nodeId, `no heartbeat for ${now - n.lastSeen} ms`);
      }
      if (this.viewDirty) this.broadcastView();
    }, config.heartbeatMs);
    this.timer.unref();
  }

  /** Loads the durable tables (a restarted head recovers its actors, names and KV). */
  async recover(): Promise<void> {
    const { store } = this.opts;
    for (const [k, v] of await store.getAll<Uint8Array>('kv')) this.kv.set(k, v);
    await this.pgs.recover();
    for (const [id, a] of await store.getAll<ActorEntry>('actors')) {
      this.actors.set(id, a);
      if (a.name && a.state !== 'DEAD') this.names.set(`${a.namespace}/${a.name}`, id);
    }
    if (this.actors.size) {
      console.log(`[ray-ts] head: recovered ${this.actors.size} actor(s) from the store; waiting for their nodes to rejoin`);
      setTimeout(() => this.reconcileRecovered(), this.opts.nodeTimeoutMs ?? config.nodeTimeoutMs).unref();
    }
  }

  /**
   * A node (re-)registering tells which actors live on it: after a head restart this is
   * how the actor table learns where recovered actors are, and that they are alive.
   */
  private async adoptActors(nodeId: string, live: Array<{ spec: ActorEntry['spec']; state: ActorEntry['state']; restartsLeft: number; numRestarts: number }>): Promise<void> {
    for (const l of live) {
      const a: ActorEntry = {
        ...(this.actors.get(l.spec.actorId) ?? { actorId: l.spec.actorId, name: l.spec.name, namespace: l.spec.namespace, spec: l.spec }),
        nodeId, state: l.state, restartsLeft: l.restartsLeft, numRestarts: l.numRestarts,
      };
      this.actors.set(a.actorId, a);
      if (a.name) this.names.set(`${a.namespace}/${a.name}`, a.actorId);
      await this.persistActor(a);
      this.broadcast({ t: 'gcs.actor', actor: a });
    }
  }

  /**
   * After a restart: actors whose node has not rejoined within the node timeout are
   * restarted elsewhere (per maxRestarts), like actors of a node that died.
   */
  private reconcileRecovered(): void {
    for (const a of this.actors.values()) {
      if (a.state === 'DEAD') continue;
      if (this.nodes.get(a.nodeId)?.state === 'ALIVE') continue;
      void this.restartActor(a, `its node ${a.nodeId} did not rejoin after the head restarted`);
    }
  }

  /** The store (for job and placement-group managers). */
  get store(): GcsStore {
    return this.opts.store;
  }

  /** Stops timers. */
  close(): void {
    clearInterval(this.timer);
    this.pgs.close();
  }

  /** A node's link closed: it is dead (a restarted node registers with a new id). */
  onPeerClosed(peerId: string): void {
    const p = this.peers.get(peerId);
    if (!p) return;
    this.peers.delete(peerId);
    const n = this.nodes.get(peerId);
    if (n && n.state === 'ALIVE') this.nodeDied(peerId, 'its connection to the head closed');
  }

  /** Handles one message from a node; returns the answer fields for requests. */
  async handle(peer: GcsPeer, m: Msg): Promise<Record<string, unknown> | undefined> {
    switch (m.t) {
      case 'gcs.register': {
        const v = m.node as NodeView;
        const now = Date.now();
        this.nodes.set(v.nodeId, { ...v, state: 'ALIVE', startedAt: now, lastSeen: now, queued: 0, demand: [] });
        this.peers.set(v.nodeId, peer);
        console.log(`[ray-ts] head: node ${v.nodeId} joined at ${v.address} with ${JSON.stringify(v.total)}`);
        await this.adoptActors(v.nodeId, (m.actors ?? []) as Array<{ spec: ActorEntry['spec']; state: ActorEntry['state']; restartsLeft: number; numRestarts: number }>);
        this.broadcastView();
        return { nodes: [...this.nodes.values()], actors: [...this.actors.values()].filter((a) => a.state !== 'DEAD') };
      }
      case 'gcs.heartbeat': {
        const n = this.nodes.get(m.nodeId);
        if (!n || n.state === 'DEAD') {
          // A node declared dead (silent too long) that speaks again must not rejoin with stale state.
          if (n) peer.send({ t: 'gcs.youAreDead', reason: 'it was declared dead after missing its heartbeats' });
          return { dead: true };
        }
        n.lastSeen = Date.now();
        n.available = m.available;
        n.total = m.total;
        n.queued = m.queued ?? 0;
        n.demand = m.demand ?? [];
        n.usage = m.usage;
        this.viewDirty = true;
        return undefined;
      }
      case 'gcs.kvPut':
        this.kv.set(m.key, m.value);
        await this.opts.store.put('kv', m.key, m.value);
        return { ok: true };
      case 'gcs.kvGet':
        return { value: this.kv.get(m.key) ?? null };
      case 'gcs.kvExists':
        return { exists: this.kv.has(m.key) };
      case 'gcs.kvDel':
        this.kv.delete(m.key);
        await this.opts.store.delete('kv', m.key);
        return { ok: true };
      case 'gcs.actorRegister':
        return this.registerActor(m.actor as ActorEntry);
      case 'gcs.actorUpdate':
        await this.updateActor(m.actorId, m.state, m.nodeId, m.reason);
        return { ok: true };
      case 'gcs.actorGet':
        return { actor: this.actors.get(m.actorId) ?? null };
      case 'gcs.actorByName': {
        const id = this.names.get(`${m.namespace}/${m.name}`);
        const a = id ? this.actors.get(id) : undefined;
        return { actor: a && a.state !== 'DEAD' ? a : null };
      }
      case 'gcs.nodes':
        return { nodes: [...this.nodes.values()] };
      case 'gcs.pgReserved':
        this.reserveWaits.get(m.rid)?.(!!m.ok);
        this.reserveWaits.delete(m.rid);
        return undefined;
      case 'gcs.pgCreate':
      case 'gcs.pgWait':
      case 'gcs.pgRemove':
      case 'gcs.pgGet':
      case 'gcs.pgList':
        return this.pgs.handle(m);
      default: {
        const h = this.handlers.get(m.t);
        if (h) return (await h(peer, m)) as Record<string, unknown> | undefined;
        console.error(`[ray-ts] head: unknown request '${m.t}' from ${peer.id}`);
        return { error: `unknown request '${m.t}'` };
      }
    }
  }

  /** Sends a message to every live node. */
  broadcast(msg: Msg): void {
    for (const p of this.peers.values()) p.send(msg);
  }

  /** Sends a message to one node (false when it is not connected). */
  sendTo(nodeId: string, msg: Msg): boolean {
    const p = this.peers.get(nodeId);
    if (!p) return false;
    p.send(msg);
    return true;
  }

  /** Declares a node gone on purpose (the autoscaler removes it): others stop using it and retry what it had. */
  drainNode(nodeId: string, why: string): void {
    this.nodeDied(nodeId, why);
  }

  /** Picks a live node for `resources`: one with them free now, else one that has them at all. */
  pickNode(resources: Record<string, number>, exclude: Set<string> = new Set()): NodeView | undefined {
    const alive = [...this.nodes.values()].filter((n) => n.state === 'ALIVE' && !exclude.has(n.nodeId));
    return alive.find((n) => fits(resources, n.available)) ?? alive.find((n) => fits(resources, n.total));
  }

  private broadcastView(): void {
    this.viewDirty = false;
    this.broadcast({ t: 'gcs.view', nodes: [...this.nodes.values()] });
  }

  private async registerActor(a: ActorEntry): Promise<Record<string, unknown>> {
    if (a.name) {
      const key = `${a.namespace}/${a.name}`;
      const existing = this.names.get(key);
      const cur = existing ? this.actors.get(existing) : undefined;
      if (cur && cur.state !== 'DEAD' && cur.actorId !== a.actorId) return { taken: cur };
      this.names.set(key, a.actorId);
    }
    const known = this.actors.get(a.actorId);
    if (known && known.state !== 'PENDING') return { ok: true }; // a late registration of an actor already placed
    this.actors.set(a.actorId, a);
    await this.persistActor(a);
    this.broadcast({ t: 'gcs.actor', actor: a });
    return { ok: true };
  }

  private async updateActor(actorId: string, state: ActorEntry['state'], nodeId?: string, reason?: string): Promise<void> {
    const a = this.actors.get(actorId);
    if (!a) return;
    a.state = state;
    if (nodeId) a.nodeId = nodeId;
    if (reason) a.deathReason = reason;
    if (state === 'DEAD' && a.name && this.names.get(`${a.namespace}/${a.name}`) === actorId) this.names.delete(`${a.namespace}/${a.name}`);
    await this.persistActor(a);
    this.broadcast({ t: 'gcs.actor', actor: a });
  }

  private async persistActor(a: ActorEntry): Promise<void> {
    // Only actors that outlive their creator's process need to survive a head restart,
    // but all are kept so their handles keep working; the dead are removed.
    if (a.state === 'DEAD') await this.opts.store.delete('actors', a.actorId);
    else await this.opts.store.put('actors', a.actorId, a);
  }

  private nodeDied(nodeId: string, why: string): void {
    const n = this.nodes.get(nodeId);
    if (!n || n.state === 'DEAD') return;
    n.state = 'DEAD';
    n.available = {};
    this.peers.delete(nodeId);
    console.error(`[ray-ts] head: node ${nodeId} (${n.address}) is dead: ${why}`);
    this.broadcast({ t: 'gcs.nodeDead', nodeId });
    this.broadcastView();
    this.pgs.onNodeDead(nodeId);
    for (const a of this.actors.values()) {
      if (a.nodeId !== nodeId || a.state === 'DEAD') continue;
      void this.restartActor(a, `its node ${nodeId} died`);
    }
  }

  /** Restarts an actor whose node died on another node, per its maxRestarts. */
  private async restartActor(a: ActorEntry, why: string): Promise<void> {
    if (a.restartsLeft === 0) {
      await this.updateActor(a.actorId, 'DEAD', undefined, `${why} and maxRestarts ran out`);
      return;
    }
    const target = this.pickNode(a.spec.resources, new Set([a.nodeId]));
    if (!target) {
      await this.updateActor(a.actorId, 'DEAD', undefined, `${why} and no other node can host it`);
      return;
    }
    if (a.restartsLeft > 0) a.restartsLeft--;
    a.numRestarts++;
    a.nodeId = target.nodeId;
    a.state = 'RESTARTING';
    await this.persistActor(a);
    this.broadcast({ t: 'gcs.actor', actor: a });
    this.sendTo(target.nodeId, { t: 'gcs.restartActor', actor: a });
  }
}
