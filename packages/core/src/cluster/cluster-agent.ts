/**
 * A node's part in a cluster: it registers with the head, reports its resources every
 * heartbeat, keeps the head's view of all nodes, sends what it cannot run to nodes
 * that can (spillback, node affinity, spread), routes calls to actors elsewhere, and
 * on a node's death retries, restarts or rebuilds what was lost with it.
 */
import type { ActorSpec, TaskSpec } from '../transport/protocol.js';
import { InfeasibleError, RaySystemError, WorkerCrashedError } from '../errors.js';
import { streamItemId } from '../ids.js';
import { config } from '../config.js';
import { hostId } from '../transport/auth.js';
import { fits } from '../node/resources.js';
import { errorObject, failRecord, type TaskRecord } from '../node/task-record.js';
import type { NodeManager } from '../node/node-manager.js';
import type { ActorEntry, NodeView } from '../gcs/gcs-types.js';
import { RpcLink, type Msg } from './rpc-link.js';
import { ObjectLinks } from './object-links.js';
import { TaskForwarding } from './task-forwarding.js';
import { pickLabelled, pickSpillTarget } from './node-choice.js';
import { RemoteActors } from './remote-actors.js';
import { nodeLoad } from '../autoscaler/node-load.js';

/** Options of a node joining a cluster. */
export interface ClusterOptions {
  /** `host:port` of the head. */
  headAddress: string;
  token?: string;
  /** Labels of this node (for scheduling by label). */
  labels?: Record<string, string>;
}

/** One node's membership in a cluster. */
export class ClusterAgent {
  readonly view = new Map<string, NodeView>();
  readonly links: ObjectLinks;
  readonly forwarding: TaskForwarding;
  readonly remoteActors: RemoteActors;
  private gcs!: RpcLink;
  private readonly peers = new Map<string, Promise<RpcLink | undefined>>();
  private readonly ready = new Map<string, RpcLink>();
  /** Messages to a node whose link is being opened, in order. */
  private readonly backlog = new Map<string, Msg[]>();
  private heartbeat?: NodeJS.Timeout;
  private spreadNext = 0;
  private closed = false;
  /** Called when the head connection is lost for good (reconnecting gave up). */
  onHeadLost?: () => void;
  private reconnecting?: Promise<void>;

  constructor(readonly node: NodeManager, readonly opts: ClusterOptions) {
    this.links = new ObjectLinks(this);
    this.forwarding = new TaskForwarding(this);
    this.remoteActors = new RemoteActors(this);
  }

  /** The cluster token. */
  get token(): string | undefined {
    return this.opts.token;
  }

  /** Connects to the head and registers this node. */
  async start(): Promise<void> {
    await this.connectHead();
    this.heartbeat = setInterval(() => this.beat(), config.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Opens the link to the head and (re-)registers, reporting the actors that live here. */
  private async connectHead(): Promise<void> {
    const link = await RpcLink.connect(this.opts.headAddress, 'node', this.node.nodeId, this.opts.token, (m) => this.onGcsPush(m));
    this.gcs = link;
    link.onClose(() => this.onHeadClosed(link));
    const r = await link.request({ t: 'gcs.register', node: this.selfView(), actors: this.node.actors.live() }, 15_000);
    for (const n of r.nodes as NodeView[]) this.view.set(n.nodeId, n);
    for (const a of r.actors as ActorEntry[]) this.remoteActors.onActorEntry(a);
  }

  /**
   * The head went away. The head node's own work died with it; this node keeps running
   * what it has and reconnects, re-registering itself and its actors, so work continues
   * once a head (restarted with the same Redis) is back. It gives up after
   * RAY_TS_HEAD_RECONNECT_TIMEOUT_MS.
   */
  private onHeadClosed(link: RpcLink): void {
    if (this.closed || link !== this.gcs || this.node.gcs) return;
    console.error(`[ray-ts] node ${this.node.nodeId}: lost the head at ${this.opts.headAddress}; reconnecting`);
    for (const n of this.view.values()) {
      if (n.isHead && n.state === 'ALIVE' && n.nodeId !== this.node.nodeId) {
        n.state = 'DEAD';
        this.onNodeDead(n.nodeId);
      }
    }
    const deadline = Date.now() + config.headReconnectTimeoutMs;
    this.reconnecting = (async () => {
      while (!this.closed) {
        try {
          await this.connectHead();
          console.error(`[ray-ts] node ${this.node.nodeId}: rejoined the head at ${this.opts.headAddress}`);
          return;
        } catch {
          if (Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      if (!this.closed) this.onHeadLost?.();
    })().finally(() => {
      this.reconnecting = undefined;
    });
  }

  /** Leaves the cluster (node shutdown). */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.gcs?.close();
    for (const l of this.ready.values()) l.close();
  }

  /** A request to the head. */
  async gcsRequest(msg: Msg, timeoutMs = 30_000): Promise<Msg> {
    if (this.gcs.closed && this.reconnecting) await this.reconnecting;
    return this.gcs.request(msg, timeoutMs);
  }

  /** Address of a node, from the head's view. */
  addressOf(nodeId: string): string | undefined {
    return this.view.get(nodeId)?.address;
  }

  /** Whether the head last said the node is alive. */
  isAlive(nodeId: string): boolean {
    return this.view.get(nodeId)?.state === 'ALIVE';
  }

  /** Sends a message to another node over this node's link to it (opened on first use). */
  sendTo(nodeId: string, msg: Msg): boolean {
    if (nodeId === this.node.nodeId) throw new RaySystemError('a node sent a message to itself');
    const link = this.ready.get(nodeId);
    if (link && !link.closed) {
      link.send(msg);
      return true;
    }
    const address = this.addressOf(nodeId);
    if (!address || !this.isAlive(nodeId)) return false;
    let q = this.backlog.get(nodeId);
    if (!q) {
      q = [];
      this.backlog.set(nodeId, q);
    }
    q.push(msg);
    this.openLink(nodeId, address);
    return true;
  }

  /** Sends a request to another node and resolves with its answer. */
  async requestTo(nodeId: string, msg: Msg): Promise<Msg> {
    let link = this.ready.get(nodeId);
    if (!link || link.closed) {
      const address = this.addressOf(nodeId);
      if (!address || !this.isAlive(nodeId)) throw new RaySystemError(`node ${nodeId} is not alive`);
      this.openLink(nodeId, address);
      link = await this.peers.get(nodeId);
    }
    if (!link) throw new RaySystemError(`node ${nodeId} cannot be reached`);
    return link.request(msg);
  }

  /**
   * The next item of a stream that runs on another node: asked of that node; the item is
   * borrowed from it (held there for this node) and held here for the consumer until it
   * asks for the next one, as for a local stream. A stream whose node dies ends with a
   * WorkerCrashedError item.
   */
  async streamNext(taskId: string, index: number, name: string, releasedPrevious = false): Promise<{ id?: string; done?: boolean }> {
    const { objects } = this.node;
    const at = this.forwarding.streamNode(taskId);
    if (index > 0 && !releasedPrevious) objects.removeRef(streamItemId(taskId, index - 1));
    if (!at) return { done: true };
    let r: Msg;
    try {
      r = await this.requestTo(at, { t: 'genNext', taskId, index });
    } catch {
      const id = streamItemId(taskId, index);
      objects.addRef(id);
      objects.seal(id, errorObject(new WorkerCrashedError(name, `its node ${at} died while it streamed`)), []);
      this.forwarding.streamEnded(taskId);
      return { id };
    }
    if (r.done || !r.id) {
      this.forwarding.streamEnded(taskId);
      return { done: true };
    }
    this.links.borrow([r.id as string], at);
    objects.addRef(r.id as string);
    return { id: r.id as string };
  }

  // ---- scheduling hooks (called by the scheduler and actor manager) ----

  /** Spillback: a node with room for the task now (false: it waits here). */
  spill(rec: TaskRecord, feasibleHere: boolean): boolean {
    // A task this node can never run goes to a node with room now (so work spreads over nodes
    // as they join); while none has room it waits here, counted in this node's demand for the
    // autoscaler, and is offered again with the next view of the nodes.
    const target = this.pickNode(rec.spec.resources, false, rec.spec.spilledFrom);
    if (!target) return false;
    return this.forwarding.send(rec, target.nodeId);
  }

  /** Node affinity to another node, and spread. */
  direct(rec: TaskRecord): boolean {
    const s = rec.spec.strategy;
    if (s.kind === 'NODE_AFFINITY' && s.nodeId !== this.node.nodeId) {
      if (this.isAlive(s.nodeId)) return this.forwarding.send(rec, s.nodeId);
      if (s.soft) return false;
      failRecord(this.node, rec, new InfeasibleError(`Task ${rec.spec.name} is pinned to node ${s.nodeId}, which is not alive in this cluster.`));
      return true;
    }
    if (s.kind === 'NODE_LABEL') {
      const target = this.labelTarget(s.hard, s.soft, rec.spec.resources);
      if (target === undefined) {
        failRecord(this.node, rec, new InfeasibleError(`Task ${rec.spec.name} needs a node labelled ${JSON.stringify(s.hard)}; no live node has those labels.`));
        return true;
      }
      return target === this.node.nodeId ? false : this.forwarding.send(rec, target);
    }
    if (s.kind === 'SPREAD' && !rec.spec.spilledFrom) {
      const nodes = this.aliveNodes().filter((n) => fits(rec.spec.resources, n.total));
      if (nodes.length < 2) return false;
      const target = nodes[this.spreadNext++ % nodes.length]!;
      if (target.nodeId === this.node.nodeId) return false;
      return this.forwarding.send(rec, target.nodeId);
    }
    return false;
  }

  private labelTarget(hard: Record<string, string>, soft: Record<string, string>, need: Record<string, number>): string | undefined {
    return pickLabelled(this.aliveNodes(), hard, soft, need, this.node.nodeId, this.node.resources.canAcquire(need));
  }

  /** Places an actor this node has no room for on a node that has. */
  placeActorElsewhere(spec: ActorSpec, handles: number, fitsHere: boolean): boolean {
    const s = spec.strategy;
    let target: NodeView | undefined;
    if (s.kind === 'NODE_LABEL') {
      const id = this.labelTarget(s.hard, s.soft, spec.resources);
      if (id === undefined || id === this.node.nodeId) return false;
      target = this.view.get(id);
    } else if (s.kind === 'NODE_AFFINITY' && s.nodeId !== this.node.nodeId && this.isAlive(s.nodeId)) target = this.view.get(s.nodeId);
    else if (s.kind === 'NODE_AFFINITY' && s.nodeId === this.node.nodeId) return false;
    else if (s.kind === 'SPREAD') {
      const nodes = this.aliveNodes().filter((n) => fits(spec.resources, n.total));
      const pick = nodes[this.spreadNext++ % Math.max(1, nodes.length)];
      if (!pick || pick.nodeId === this.node.nodeId) {
        if (fitsHere) return false;
      } else target = pick;
    } else if (fitsHere) return false;
    target ??= this.pickNode(spec.resources, !this.node.resources.feasible(spec.resources));
    if (!target) return false;
    if (!this.sendTo(target.nodeId, { t: 'fwdCreateActor', spec: this.inlineActorSpec(spec), from: this.node.nodeId })) return false;
    this.remoteActors.placed(spec, target.nodeId, handles);
    this.gcs.send({ t: 'gcs.actorUpdate', actorId: spec.actorId, state: 'PENDING', nodeId: target.nodeId, req: 0 });
    return true;
  }

  /** Keeps the head's actor table in step with an actor here. */
  onActorState(spec: ActorSpec, state: ActorEntry['state'], reason?: string): void {
    if (state === 'PENDING') {
      const entry: ActorEntry = {
        actorId: spec.actorId, nodeId: this.node.nodeId, name: spec.name, namespace: spec.namespace, state,
        spec: this.inlineActorSpec(spec), restartsLeft: spec.maxRestarts, numRestarts: 0,
      };
      this.gcs.request({ t: 'gcs.actorRegister', actor: entry }).then((r) => {
        if (r.taken) {
          console.error(`[ray-ts] an actor named '${spec.name}' already exists in namespace '${spec.namespace}' on node ${(r.taken as ActorEntry).nodeId}; this one is killed.`);
          this.node.actors.kill(spec.actorId, true);
        }
      }, () => {});
      return;
    }
    this.gcs.send({ t: 'gcs.actorUpdate', actorId: spec.actorId, state, nodeId: this.node.nodeId, reason, req: 0 });
  }

  /** Resources of the whole cluster (alive nodes). */
  clusterResources(): { total: Record<string, number>; available: Record<string, number> } {
    const total: Record<string, number> = {};
    const available: Record<string, number> = {};
    for (const n of this.aliveNodes()) {
      const live = n.nodeId === this.node.nodeId ? this.node.resourceReport() : { total: n.total, available: n.available };
      for (const [k, v] of Object.entries(live.total)) total[k] = (total[k] ?? 0) + v;
      for (const [k, v] of Object.entries(live.available)) available[k] = (available[k] ?? 0) + v;
    }
    return { total, available };
  }

  /** Live nodes, this one included. */
  aliveNodes(): NodeView[] {
    return [...this.view.values()].filter((n) => n.state === 'ALIVE');
  }

  private pickNode(need: Record<string, number>, anyWithTotal: boolean, exclude?: string): NodeView | undefined {
    const skip = new Set([this.node.nodeId, ...(exclude ? [exclude] : [])]);
    return pickSpillTarget(this.aliveNodes().filter((n) => !skip.has(n.nodeId)), need, anyWithTotal, this.forwarding.inFlight);
  }

  private inlineActorSpec(spec: ActorSpec): ActorSpec {
    return { ...spec, args: spec.args.map((a) => ('v' in a && a.v.s ? { v: this.node.inlined(a.v) } : a)) };
  }

  private selfView(): NodeView {
    const r = this.node.resourceReport();
    const now = Date.now();
    return {
      nodeId: this.node.nodeId, address: this.node.tcpAddress!, hostId: hostId(), isHead: this.node.gcs !== undefined,
      total: r.total, available: r.available, labels: this.opts.labels ?? this.node.options.labels ?? {}, state: 'ALIVE', queued: 0, demand: [], startedAt: now, lastSeen: now,
      ...(this.node.metricsAddress ? { metricsAddress: this.node.metricsAddress } : {}),
    };
  }

  private beat(): void {
    const r = this.node.resourceReport();
    const load = nodeLoad(this.node); // queued, demand (tasks and actors) and usage, for status and the autoscaler
    const self = this.view.get(this.node.nodeId);
    if (self) self.available = r.available;
    this.gcs.send({ t: 'gcs.heartbeat', nodeId: this.node.nodeId, total: r.total, available: r.available, ...load, req: 0 });
  }

  private onGcsPush(m: Msg): void {
    switch (m.t) {
      case 'gcs.view':
        for (const n of m.nodes as NodeView[]) {
          const prev = this.view.get(n.nodeId);
          this.view.set(n.nodeId, n);
          if (prev?.state === 'ALIVE' && n.state === 'DEAD') this.onNodeDead(n.nodeId);
        }
        // Nodes with room may take what waits here.
        this.node.scheduler.scheduleDispatch();
        this.node.actors.retryPending();
        return;
      case 'gcs.nodeDead': {
        const n = this.view.get(m.nodeId);
        if (n && n.state === 'ALIVE') {
          n.state = 'DEAD';
          this.onNodeDead(m.nodeId);
        }
        return;
      }
      case 'gcs.actor':
        this.remoteActors.onActorEntry(m.actor as ActorEntry);
        return;
      case 'gcs.pgReserve': {
        const ok = this.node.reserveBundles(m.pgId, m.bundles);
        this.gcs.send({ t: 'gcs.pgReserved', rid: m.rid, ok, req: 0 });
        return;
      }
      case 'gcs.pgRelease':
        this.node.releaseBundles(m.pgId);
        return;
      case 'gcs.youAreDead':
        console.error(`[ray-ts] node ${this.node.nodeId}: the head declared this node dead (${String(m.reason)}); stopping`);
        this.closed = true;
        this.onHeadLost?.();
        return;
      case 'gcs.restartActor': {
        const a = m.actor as ActorEntry;
        console.error(`[ray-ts] node ${this.node.nodeId}: restarting actor ${a.spec.cls.name} (${a.actorId}) moved here from a dead node`);
        this.node.actors.create(a.spec, { numRestarts: a.numRestarts, restartsLeft: a.restartsLeft });
        return;
      }
      default:
        this.node.onClusterPush?.(m);
    }
  }

  private onNodeDead(dead: string): void {
    this.peers.delete(dead);
    const link = this.ready.get(dead);
    this.ready.delete(dead);
    link?.close();
    this.backlog.delete(dead);
    const resubmit = (spec: TaskSpec) => this.node.scheduler.submit(spec);
    const retried = this.forwarding.onNodeDead(dead, resubmit);
    this.remoteActors.onNodeDead(dead, retried);
    this.links.onNodeDead(dead, resubmit, retried);
    this.node.scheduler.scheduleDispatch();
  }

  private openLink(nodeId: string, address: string): void {
    if (this.peers.has(nodeId)) return;
    const p = RpcLink.connect(address, 'node', this.node.nodeId, this.opts.token, (m) => this.onPeerPush(nodeId, m)).then(
      (link) => {
        this.ready.set(nodeId, link);
        link.unref();
        for (const msg of this.backlog.get(nodeId)?.splice(0) ?? []) link.send(msg);
        this.backlog.delete(nodeId);
        link.onClose(() => {
          if (this.ready.get(nodeId) === link) this.ready.delete(nodeId);
          this.peers.delete(nodeId);
        });
        return link;
      },
      (err: Error) => {
        console.error(`[ray-ts] node ${this.node.nodeId}: cannot reach node ${nodeId} at ${address}: ${err.message}`);
        this.peers.delete(nodeId);
        return undefined;
      },
    );
    this.peers.set(nodeId, p);
  }

  /** Messages another node pushes on this node's link to it (answers to watches). */
  private onPeerPush(from: string, m: Msg): void {
    if (m.t === 'made') this.links.onMade(from, m);
    else console.error(`[ray-ts] node ${this.node.nodeId}: unexpected '${m.t}' from node ${from}`);
  }
}
