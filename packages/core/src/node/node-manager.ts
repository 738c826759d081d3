/**
 * The node manager (Ray's raylet): owns the node's object directory, shared-memory
 * segments, scheduler, actors and worker pool, and serves drivers and workers over
 * a Unix socket. In the embedded local cluster it lives inside the driver process,
 * which calls it directly (see LocalClient); workers talk to it through the socket.
 */
import { createServer, type Server, type Socket } from 'node:net';
import shm from '@ray-ts/native';
import { mkdirSync, rmSync, writeFileSync, symlinkSync, unlinkSync } from 'node:fs';
import { nodeSocketPath } from './socket-path.js';
import { join } from 'node:path';
import type {
  ActorInfo, ActorSpec, ResourceMap, StatusReport, TaskSpec, WireObject,
} from '../transport/protocol.js';
import { InfeasibleError } from '../errors.js';
import { config } from '../config.js';
import { newId, ACTOR_HANDLE_PREFIX, returnId } from '../ids.js';
import { ObjectDirectory } from './object-directory.js';
import { SegmentStore } from './segment-store.js';
import { NodeResources } from './resources.js';
import { WorkerPool, type WorkerHandle } from './worker-pool.js';
import { Scheduler } from './scheduler.js';
import { ActorManager, ActorNameTakenError } from './actor-manager.js';
import { failRecord, type TaskRecord } from './task-record.js';
import { NodeMessageRouter } from './message-router.js';
import { NodeStreams } from './streams.js';
import { getObjects, waitObjects } from './object-waits.js';
import { cleanStaleSessions } from './session-cleanup.js';
import { ClusterAgent, type ClusterOptions } from '../cluster/cluster-agent.js';
import { GcsServer } from '../gcs/gcs-server.js';
import type { GcsStore } from '../gcs/store.js';
import { WorkingDirCache } from '../runtime-env/working-dir-cache.js';
import { PlacementGroupManager } from '../gcs/placement-groups.js';
import { BundleReservations } from './bundles.js';
import { TaskEventBuffer } from '../state/task-events.js';
import { WorkerLogs } from '../state/worker-logs.js';
import { StateService } from '../state/state-service.js';
import { NodeMetrics } from '../metrics/node-metrics.js';
import { startHttpServer } from '../metrics/http-server.js';
import type { Server as HttpServer } from 'node:http';

/** Settings of a node, resolved by init(). */
export interface NodeOptions {
  resources: ResourceMap;
  /** Cluster token every connection must present (none: local socket only, trusted). */
  token?: string;
  /** Also listen on TCP (for drivers on other machines or processes). */
  tcp?: { host: string; port: number };
  objectStoreMemory: number;
  namespace: string;
  sessionRoot: string;
  prestartWorkers: number;
  /** Join the cluster whose head is at this address (a worker node). */
  cluster?: Omit<ClusterOptions, 'token'>;
  /** Run the head service (cluster state) in this node, keeping durable state in `store`. */
  head?: { store: GcsStore };
  /** Address other nodes reach this node at (default: the TCP listener's). */
  advertiseHost?: string;
  /** Labels of this node, for NODE_LABEL scheduling. */
  labels?: Record<string, string>;
  /** Port of the HTTP endpoint (`/metrics`, `/api/v0/...`); 0 picks a free one. @default no endpoint */
  metricsExportPort?: number;
  /** Host the HTTP endpoint listens on. @default the TCP listener's host, else 127.0.0.1 */
  metricsHost?: string;
}

/** A node: the objects, workers and scheduling of one machine. */
export class NodeManager {
  readonly nodeId = newId('n');
  readonly sessionDir: string;
  readonly socketPath: string;
  readonly objects: ObjectDirectory;
  readonly segments: SegmentStore;
  readonly resources: NodeResources;
  readonly pool: WorkerPool;
  readonly scheduler: Scheduler;
  readonly actors: ActorManager;
  private readonly streams = new NodeStreams(this);
  /** Task events of this node (state API, timeline, metrics). */
  readonly taskEvents: TaskEventBuffer;
  /** Output of this node's workers. */
  readonly workerLogs: WorkerLogs;
  /** State-API answers. */
  readonly state = new StateService(this);
  /** Prometheus metrics. */
  readonly metrics: NodeMetrics;
  /** `host:port` of the HTTP endpoint, when there is one. */
  metricsAddress?: string;
  private httpServer?: HttpServer;
  readonly startedAt = Date.now();
  /** Driver code directories unpacked here (fetched from the head). */
  private readonly workingDirs: WorkingDirCache;
  private readonly router: NodeMessageRouter;
  private server?: Server;
  private tcpServer?: Server;
  /** `host:port` of the TCP listener, when there is one. */
  tcpAddress?: string;
  /** The head service, when this node is the head. */
  gcs?: GcsServer;
  /** This node's membership in a cluster (head and worker nodes). */
  cluster?: ClusterAgent;
  /** The autoscaler's report, when the head runs one (shown by `ray-ts status`). */
  autoscalerReport?: () => import('../autoscaler/autoscaler-types.js').AutoscalerReport;
  /** Placement-group bundles reserved on this node: the resources held and the ones added. */
  private readonly bundles: BundleReservations;
  /** Placement groups of the embedded cluster (in a cluster, the head keeps them). */
  private localPgs?: PlacementGroupManager;
  /** Cluster messages not handled by the agent (job and placement-group managers hook here). */
  onClusterPush?: (m: Record<string, any> & { t: string }) => void;
  private closed = false;

  constructor(readonly options: NodeOptions) {
    const session = `session_${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}_${process.pid}_${this.nodeId.slice(-4)}`;
    this.sessionDir = join(options.sessionRoot, session);
    this.socketPath = nodeSocketPath(this.sessionDir, this.nodeId);
    this.segments = new SegmentStore(`rts-${this.nodeId}`);
    this.workingDirs = new WorkingDirCache(join(this.sessionDir, 'runtime_resources'), async (uri) => {
      if (!this.cluster) throw new Error('runtimeEnv.workingDir needs a cluster node');
      const r = await this.cluster.gcsRequest({ t: 'gcs.kvGet', key: uri });
      return (r.value as Uint8Array | null) ?? null;
    });
    this.taskEvents = new TaskEventBuffer(this.nodeId);
    this.workerLogs = new WorkerLogs(this.sessionDir, this.nodeId);
    this.metrics = new NodeMetrics(this);
    this.objects = new ObjectDirectory(this.segments, options.objectStoreMemory, join(this.sessionDir, 'spill'));
    this.resources = new NodeResources(options.resources);
    this.bundles = new BundleReservations(this.resources, () => {
      this.scheduler.scheduleDispatch();
      this.actors.retryPending();
    });
    this.pool = new WorkerPool({
      socketPath: this.socketPath,
      sessionDir: this.sessionDir,
      nodeId: this.nodeId,
      namespace: options.namespace,
      token: options.token,
      softLimit: Math.max(1, Math.ceil(options.resources.CPU ?? 1)),
      workingDir: (uri: string) => this.workingDirs.get(uri),
      logs: this.workerLogs,
      onExit: (w, info) => this.onWorkerExit(w, info),
      onReady: () => {
        this.actors.onWorkerReady();
        this.scheduler.scheduleDispatch();
      },
    });
    const host = {
      nodeId: this.nodeId,
      objects: this.objects,
      resources: this.resources,
      pool: this.pool,
      onStreamEnd: (rec: TaskRecord) => this.onStreamEnd(rec),
      onResourcesFreed: () => this.actors.retryPending(),
      spill: (rec: TaskRecord, feasibleHere: boolean) => this.forwarded(rec, this.cluster?.spill(rec, feasibleHere) ?? false),
      direct: (rec: TaskRecord) => this.forwarded(rec, this.cluster ? this.cluster.direct(rec) : this.directAlone(rec)),
      onTaskFinished: (rec: TaskRecord, err?: Error) => this.onTaskFinished(rec, err),
      placeActorElsewhere: (spec: ActorSpec, handles: number, fitsHere: boolean) => this.cluster?.placeActorElsewhere(spec, handles, fitsHere) ?? false,
      resubmitActorTask: (spec: TaskSpec) => this.submitActorTask(spec),
      onActorState: (spec: ActorSpec, state: ActorInfo['state'], reason?: string) => this.cluster?.onActorState(spec, state, reason),
    };
    this.scheduler = new Scheduler(host);
    this.actors = new ActorManager(host);
    this.router = new NodeMessageRouter(this);
  }

  /** Starts listening and prestarts workers. */
  async start(): Promise<void> {
    cleanStaleSessions(this.options.sessionRoot);
    mkdirSync(this.sessionDir, { recursive: true });
    writeFileSync(join(this.sessionDir, 'node.json'), JSON.stringify({ nodeId: this.nodeId, pid: process.pid, socket: this.socketPath }));
    if (this.options.token !== undefined) writeFileSync(join(this.sessionDir, 'token'), this.options.token, { mode: 0o600 });
    const latest = join(this.options.sessionRoot, 'session_latest');
    try {
      unlinkSync(latest);
    } catch {
      /* none */
    }
    try {
      symlinkSync(this.sessionDir, latest);
    } catch {
      /* another session raced us; status uses the newest */
    }
    this.server = createServer((socket: Socket) => this.router.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.socketPath, () => resolve());
    });
    this.server.unref();
    if (this.options.tcp) {
      const { host, port } = this.options.tcp;
      this.tcpServer = createServer((socket: Socket) => this.router.accept(socket));
      await new Promise<void>((resolve, reject) => {
        this.tcpServer!.once('error', reject);
        this.tcpServer!.listen(port, host, () => resolve());
      });
      const addr = this.tcpServer.address();
      const shown = this.options.advertiseHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
      this.tcpAddress = typeof addr === 'object' && addr ? `${shown}:${addr.port}` : `${shown}:${port}`;
      this.tcpServer.unref();
    }
    if (this.options.metricsExportPort !== undefined) {
      const host = this.options.metricsHost ?? this.options.tcp?.host ?? '127.0.0.1';
      const { server, address } = await startHttpServer(this, host, this.options.metricsExportPort);
      this.httpServer = server;
      this.metricsAddress = this.options.advertiseHost ? `${this.options.advertiseHost}:${address.slice(address.lastIndexOf(':') + 1)}` : address;
    }
    if (this.options.head) {
      this.gcs = new GcsServer({ store: this.options.head.store });
      await this.gcs.recover();
    }
    if (!this.options.head && !this.options.cluster) {
      this.localPgs = new PlacementGroupManager({
        nodes: () => [{ nodeId: this.nodeId, available: this.resources.available() }],
        reserve: async (_n, pgId, bundles) => this.reserveBundles(pgId, bundles),
        release: (_n, pgId) => this.releaseBundles(pgId),
      });
    }
    if (this.options.head || this.options.cluster) {
      if (!this.tcpAddress) throw new Error('a cluster node needs a TCP listener (options.tcp)');
      const headAddress = this.options.head ? this.tcpAddress : this.options.cluster!.headAddress;
      this.cluster = new ClusterAgent(this, { labels: this.options.labels, ...this.options.cluster, headAddress, token: this.options.token });
      await this.cluster.start();
    }
    for (let i = 0; i < this.options.prestartWorkers; i++) this.pool.start('', undefined);
  }

  /** Stops workers, removes shared memory, spill files and the session directory. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.cluster?.close();
    this.gcs?.close();
    this.localPgs?.close();
    this.pool.shutdown();
    this.workerLogs.close();
    this.httpServer?.close();
    this.server?.close();
    this.tcpServer?.close();
    this.router.closeAll();
    this.segments.destroy();
    this.objects.destroy();
    rmSync(this.sessionDir, { recursive: true, force: true });
  }

  // ---- operations shared by the in-process client and the socket router ----

  /** Adds a reference held by a process: to an object, or (`ah:<actorId>`) to an actor handle. */
  addRef(id: string, n = 1): void {
    if (id.startsWith(ACTOR_HANDLE_PREFIX)) this.actorHandleRefs(id.slice(ACTOR_HANDLE_PREFIX.length), n);
    else this.objects.addRef(id, n);
  }

  private actorHandleRefs(actorId: string, n: number): void {
    if (this.cluster && !this.actors.has(actorId)) this.cluster.remoteActors.handleRefs(actorId, n);
    else this.actors.handleRefs(actorId, n);
  }

  /** Drops a reference added with {@link NodeManager.addRef}. */
  removeRef(id: string, n = 1): void {
    if (id.startsWith(ACTOR_HANDLE_PREFIX)) this.actorHandleRefs(id.slice(ACTOR_HANDLE_PREFIX.length), -n);
    else this.objects.removeRef(id, n);
  }

  /** Submits a task. */
  submitTask(spec: TaskSpec): void {
    const rec = this.scheduler.submit(spec);
    this.recordSubmitted(rec, this.scheduler.tasks.get(spec.taskId) === rec);
    if (spec.numReturns < 0) this.streams.add(rec);
  }

  /** Submits an actor method call. */
  submitActorTask(spec: TaskSpec): void {
    const remote = this.cluster && !this.actors.has(spec.actorId!);
    const rec = remote ? this.cluster!.remoteActors.submit(spec) : this.actors.submit(spec);
    this.recordSubmitted(rec, !remote);
    if (spec.numReturns < 0) this.streams.add(rec);
  }

  /** Creates an actor; `strict` rethrows a taken name (in-process callers), else the actor is created dead. */
  createActor(spec: ActorSpec, strict: boolean): void {
    // Handles counted before the actor was known here become its early handles.
    const moved = this.cluster?.remoteActors.takeHandles(spec.actorId) ?? 0;
    if (moved) this.actors.handleRefs(spec.actorId, moved);
    try {
      this.actors.create(spec);
    } catch (err) {
      if (strict || !(err instanceof ActorNameTakenError)) throw err;
      console.error(`[ray-ts] ${err.message}`);
      this.actors.create({ ...spec, name: undefined, maxRestarts: 0 });
      this.actors.kill(spec.actorId, true);
    }
  }

  /** Values of objects, waiting for them; missing ones come back as error objects. */
  get(ids: string[], timeoutMs: number | undefined, worker?: WorkerHandle): Promise<WireObject[]> {
    return getObjects(this.objects, this.scheduler, ids, timeoutMs, worker);
  }

  /** Resolves with the ids ready once `numReturns` are ready or the timeout passes. */
  wait(ids: string[], numReturns: number, timeoutMs: number | undefined, worker?: WorkerHandle, fetchLocal = true): Promise<string[]> {
    return waitObjects(this.objects, this.scheduler, ids, numReturns, timeoutMs, worker, fetchLocal);
  }

  /** Stores an object made by a process (a put, or a worker's large value). */
  put(id: string, obj: WireObject, contained: string[]): void {
    if (obj.s) this.segments.adopt(obj.s, obj.n);
    else if (obj.d && obj.n > config.maxInlineBytes) {
      // A large value from a client on another machine: keep it in shared memory like the rest.
      const { name, view } = this.allocate(obj.n);
      view.set(obj.d);
      obj = { s: name, n: obj.n, ...(obj.e ? { e: 1 as const } : {}) };
    }
    this.objects.seal(id, obj, contained);
  }

  /** The same object with a shared-memory value copied inline (for clients on other machines). */
  inlined(obj: WireObject): WireObject {
    if (!obj.s) return obj;
    const view = new Uint8Array(shm.openSegment(obj.s, false), 0, obj.n);
    return { d: Buffer.from(view), n: obj.n, ...(obj.e ? { e: 1 as const } : {}) };
  }

  /** Allocates a segment in this process for a value of `size` bytes (in-process writers only). */
  allocate(size: number): { name: string; view: Uint8Array } {
    this.objects.makeRoom(size);
    return this.segments.allocate(size);
  }

  /** A streaming task yielded item `index`. */
  onYield(taskId: string, index: number, obj: WireObject, contained: string[]): void {
    this.streams.onYield(taskId, index, obj, contained);
  }

  /** Next item of a stream: its id, or done. Asking for item i releases the node's hold on item i-1. */
  genNext(taskId: string, index: number): Promise<{ id?: string; done?: boolean }> {
    return this.streams.next(taskId, index);
  }

  /** Cancels the task that makes an object. */
  cancel(objectId: string, force: boolean, recursive: boolean): void {
    const taskId = objectId.replace(/[.~]\d+$/, '');
    if (this.scheduler.tasks.has(taskId)) this.scheduler.cancel(taskId, force, recursive);
    else if (!this.cluster?.forwarding.cancel(taskId, force, recursive)) this.actors.cancel(taskId);
  }

  /** Looks up a named actor: on this node, else (in a cluster) in the head's actor table. */
  async getActor(namespace: string, name: string): Promise<ActorInfo | undefined> {
    const here = this.actors.byName(namespace, name);
    if (here || !this.cluster) return here;
    const r = await this.cluster.gcsRequest({ t: 'gcs.actorByName', namespace, name });
    const a = r.actor as import('../gcs/gcs-types.js').ActorEntry | null;
    if (!a) return undefined;
    const { spec } = a;
    return { actorId: a.actorId, name: a.name, namespace: a.namespace, cls: spec.cls, methods: spec.methods, streaming: spec.streaming, state: a.state };
  }

  /** Kills an actor here or, in a cluster, wherever it runs. */
  kill(actorId: string, noRestart: boolean): void {
    if (this.cluster && !this.actors.has(actorId)) this.cluster.remoteActors.kill(actorId, noRestart);
    else this.actors.kill(actorId, noRestart);
  }

  /** Reserves placement-group bundles here (false when they do not fit now). */
  reserveBundles(pgId: string, bundles: Array<{ index: number; resources: ResourceMap }>): boolean {
    return this.bundles.reserve(pgId, bundles);
  }

  /** Gives back the bundles of a removed (or re-placed) placement group. */
  releaseBundles(pgId: string): void {
    this.bundles.release(pgId);
  }

  /** A request for the head service: answered by the head (here or over the link), or by the embedded cluster's own managers. */
  async headRequest(m: Record<string, any> & { t: string }): Promise<Record<string, any>> {
    if (this.gcs) return (await this.gcs.handle({ id: this.nodeId, send: () => {} }, m)) ?? {};
    if (this.cluster) {
      const { req: _req, ...rest } = m;
      return this.cluster.gcsRequest(rest as typeof m);
    }
    if (this.localPgs && m.t.startsWith('gcs.pg')) return this.localPgs.handle(m);
    return { error: `'${m.t}' needs a cluster (init({ address }))` };
  }

  /** Total and free resources of the cluster (this node alone when it is not in one). */
  clusterResourceReport(): { total: ResourceMap; available: ResourceMap } {
    return this.cluster ? this.cluster.clusterResources() : this.resourceReport();
  }

  /** Total and free resources. */
  resourceReport(): { total: ResourceMap; available: ResourceMap } {
    const cap = this.objects.capacity;
    return {
      total: { ...this.resources.total, objectStoreMemory: cap },
      available: { ...this.resources.available(), objectStoreMemory: Math.max(0, cap - this.segments.usedBytes) },
    };
  }

  /** A snapshot for `ray-ts status`. */
  status(): StatusReport {
    const p = this.scheduler.pending();
    return {
      sessionDir: this.sessionDir,
      nodeId: this.nodeId,
      resources: this.resourceReport(),
      pendingTasks: p.queued,
      runningTasks: p.running,
      infeasible: p.infeasible.map((r) => ({ name: r.spec.name, resources: r.spec.resources })),
      pendingDemand: [...p.demand.values()],
      workers: this.pool.all().length,
      actors: this.actors.counts(),
      objectStore: { used: this.segments.usedBytes, capacity: this.objects.capacity, ...this.objects.stats() },
      ...(this.cluster ? { nodes: [...this.cluster.view.values()] } : {}),
      ...(this.autoscalerReport ? { autoscaler: this.autoscalerReport() } : {}),
    };
  }

  /** Frees objects now, whoever holds them. */
  free(ids: string[]): void {
    for (const id of ids) this.objects.forceFree(id);
  }

  /** Strategies on a node outside any cluster: a label constraint this node does not meet is infeasible. */
  private directAlone(rec: TaskRecord): boolean {
    const s = rec.spec.strategy;
    if (s.kind !== 'NODE_LABEL') return false;
    const mine = this.options.labels ?? {};
    if (Object.entries(s.hard).every(([k, v]) => mine[k] === v)) return false;
    failRecord(this, rec, new InfeasibleError(`Task ${rec.spec.name} needs a node labelled ${JSON.stringify(s.hard)}; this node's labels are ${JSON.stringify(mine)}.`));
    return true;
  }

  /** A streaming task went to another node: consumers waiting here ask that node instead. */
  onStreamForwarded(taskId: string): void {
    this.streams.onForwarded(taskId);
  }

  /** A streaming task ended (normally or not): wake its consumer. */
  onStreamEnd(rec: TaskRecord): void {
    this.streams.onEnd(rec);
  }

  /** Task events: a task submitted here (`here` false when it went straight to another node). */
  private recordSubmitted(rec: TaskRecord, here: boolean): void {
    if (rec.state === 'finished') {
      this.taskEvents.submitted(rec);
      this.taskEvents.finish(rec.spec.taskId, true);
    } else if (here) this.taskEvents.submitted(rec);
  }

  /** Task events: a task that went to another node is recorded there. */
  private forwarded(rec: TaskRecord, went: boolean): boolean {
    if (went && rec.state !== 'finished') this.taskEvents.forwarded(rec.spec.taskId);
    return went;
  }

  /** Task events: a task ended here. */
  onTaskFinished(rec: TaskRecord, err?: Error): void {
    const failed = !!err || (rec.spec.numReturns >= 0 && !!this.objects.peek(returnId(rec.spec.taskId, 0))?.e);
    this.taskEvents.finish(rec.spec.taskId, failed, err && { name: err.name, message: err.message });
  }

  private onWorkerExit(w: WorkerHandle, info: string): void {
    this.router.dropWorker(w);
    this.scheduler.onWorkerExit(w, info);
    this.actors.onWorkerExit(w, info);
    this.scheduler.scheduleDispatch();
  }
}
