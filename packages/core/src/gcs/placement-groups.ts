/**
 * Placement groups (Ray's `placement_group`): bundles of resources reserved together on
 * nodes chosen by strategy. The manager places a group (see pg-placement.ts), asks each
 * chosen node to reserve its bundles, and on any refusal gives back what was reserved
 * and tries again later. A reserved bundle adds resources named after the group to its
 * node (`CPU_group_<i>_<pg>`), and tasks and actors scheduled into the group ask for
 * those, so the ordinary scheduler (and spillback) puts them on the bundle's node.
 * When a node with bundles dies, the group is placed again.
 */
import type { ResourceMap } from '../transport/protocol.js';
import type { GcsStore } from './store.js';
import { placeBundles, type PlacementNode, type PlacementStrategy } from './pg-placement.js';

/** A placement group as the head records it. */
export interface PgRecord {
  pgId: string;
  name?: string;
  namespace: string;
  bundles: ResourceMap[];
  strategy: PlacementStrategy;
  state: 'PENDING' | 'CREATED' | 'REMOVED' | 'RESCHEDULING';
  /** Node of each bundle once created. */
  nodes?: string[];
  detached: boolean;
}

/** What the manager needs from where it runs (the head, or the embedded single node). */
export interface PgHost {
  nodes(): PlacementNode[];
  reserve(nodeId: string, pgId: string, bundles: Array<{ index: number; resources: ResourceMap }>): Promise<boolean>;
  release(nodeId: string, pgId: string): void;
  store?: GcsStore;
}

type Msg = Record<string, any> & { t: string };

/** The placement groups of a cluster. */
export class PlacementGroupManager {
  private readonly groups = new Map<string, PgRecord>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private placing = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly host: PgHost) {
    this.timer = setInterval(() => this.retry(), 250);
    this.timer.unref();
  }

  /** Loads groups from the store (a restarted head); their bundles are still held by their nodes. */
  async recover(): Promise<void> {
    if (!this.host.store) return;
    for (const [id, g] of await this.host.store.getAll<PgRecord>('pgs')) this.groups.set(id, g);
  }

  /** Stops the retry timer. */
  close(): void {
    clearInterval(this.timer);
  }

  /** Handles a `gcs.pg*` request; returns the answer fields. */
  async handle(m: Msg): Promise<Record<string, unknown>> {
    switch (m.t) {
      case 'gcs.pgCreate': {
        const g: PgRecord = { pgId: m.pgId, name: m.name, namespace: m.namespace, bundles: m.bundles, strategy: m.strategy, state: 'PENDING', detached: !!m.detached };
        if (g.name && [...this.groups.values()].some((x) => x.name === g.name && x.namespace === g.namespace && x.state !== 'REMOVED')) {
          return { error: `A placement group named '${g.name}' already exists in namespace '${g.namespace}'.` };
        }
        this.groups.set(g.pgId, g);
        await this.persist(g);
        void this.tryPlace(g);
        return { ok: true };
      }
      case 'gcs.pgWait': {
        const g = this.groups.get(m.pgId);
        if (!g) return { state: 'UNKNOWN' };
        if (g.state === 'CREATED' || g.state === 'REMOVED') return { state: g.state, nodes: g.nodes };
        const ready = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), Math.max(0, Number(m.timeoutMs ?? 30_000)));
          const list = this.waiters.get(g.pgId) ?? [];
          list.push(() => {
            clearTimeout(timer);
            resolve(true);
          });
          this.waiters.set(g.pgId, list);
        });
        return { state: ready ? g.state : 'PENDING', nodes: g.nodes };
      }
      case 'gcs.pgRemove': {
        const g = this.groups.get(m.pgId);
        if (!g || g.state === 'REMOVED') return { ok: true };
        this.releaseAll(g);
        g.state = 'REMOVED';
        this.wake(g);
        await this.host.store?.delete('pgs', g.pgId);
        return { ok: true };
      }
      case 'gcs.pgGet': {
        const g = m.pgId ? this.groups.get(m.pgId) : [...this.groups.values()].find((x) => x.name === m.name && x.namespace === m.namespace && x.state !== 'REMOVED');
        return { pg: g ?? null };
      }
      case 'gcs.pgList':
        return { pgs: [...this.groups.values()] };
      default:
        return { error: `unknown request '${m.t}'` };
    }
  }

  /** A node died: groups with bundles there are placed again. */
  onNodeDead(nodeId: string): void {
    for (const g of this.groups.values()) {
      if (g.state !== 'CREATED' || !g.nodes?.includes(nodeId)) continue;
      console.error(`[ray-ts] head: placement group ${g.pgId} lost bundles with node ${nodeId}; placing it again`);
      for (const n of new Set(g.nodes)) if (n !== nodeId) this.host.release(n, g.pgId);
      g.nodes = undefined;
      g.state = 'RESCHEDULING';
      void this.persist(g);
    }
  }

  private retry(): void {
    for (const g of this.groups.values()) if (g.state === 'PENDING' || g.state === 'RESCHEDULING') void this.tryPlace(g);
  }

  private async tryPlace(g: PgRecord): Promise<void> {
    if (this.placing.has(g.pgId)) return;
    const where = placeBundles(g.bundles, g.strategy, this.host.nodes());
    if (!where) return;
    this.placing.add(g.pgId);
    try {
      const byNode = new Map<string, Array<{ index: number; resources: ResourceMap }>>();
      where.forEach((n, index) => {
        const list = byNode.get(n) ?? [];
        list.push({ index, resources: g.bundles[index]! });
        byNode.set(n, list);
      });
      // Two phases: every node reserves, or those that did give back.
      const results = await Promise.all([...byNode].map(async ([n, b]) => [n, await this.host.reserve(n, g.pgId, b).catch(() => false)] as const));
      if (g.state === 'REMOVED' || results.some(([, ok]) => !ok)) {
        for (const [n, ok] of results) if (ok) this.host.release(n, g.pgId);
        return;
      }
      g.nodes = where;
      g.state = 'CREATED';
      await this.persist(g);
      this.wake(g);
    } finally {
      this.placing.delete(g.pgId);
    }
  }

  private releaseAll(g: PgRecord): void {
    for (const n of new Set(g.nodes ?? [])) this.host.release(n, g.pgId);
    g.nodes = undefined;
  }

  private wake(g: PgRecord): void {
    for (const w of this.waiters.get(g.pgId)?.splice(0) ?? []) w();
    this.waiters.delete(g.pgId);
  }

  private async persist(g: PgRecord): Promise<void> {
    await this.host.store?.put('pgs', g.pgId, g);
  }
}
