/**
 * A node's answers to state-API requests (`state.*` messages, and the HTTP endpoints):
 * rows of this node, and cluster-wide rows gathered from every live node (tasks,
 * actors, objects, workers, log files) and from the head (nodes, jobs, placement
 * groups). Any node can answer for the whole cluster.
 */
import type { NodeManager } from '../node/node-manager.js';
import type { ActorEntry, NodeView } from '../gcs/gcs-types.js';
import type { PgRecord } from '../gcs/placement-groups.js';
import type { JobInfo } from '../jobs/job-types.js';
import { applyList, checkKind, checkListOptions } from './filters.js';
import { chromeTrace, summarizeActorRows, summarizeObjectRows, summarizeTaskRows } from './summaries.js';
import type { ActorRow, JobRow, ListResult, NodeRow, ObjectRow, PlacementGroupRow, StateKind, StateRows, TaskRow, TaskStatus, WorkerRow } from './state-types.js';
import type { LogChunk, LogFileInfo } from './worker-logs.js';

type Msg = Record<string, any> & { t: string };

/** How long a node waits for another node's rows. */
const FANOUT_TIMEOUT_MS = 10_000;

const TASK_RANK: Record<TaskStatus, number> = { PENDING_ARGS_AVAIL: 0, PENDING_NODE_ASSIGNMENT: 1, RUNNING: 2, FINISHED: 3, FAILED: 3 };
const PER_NODE_KINDS = new Set<StateKind>(['tasks', 'actors', 'objects', 'workers']);

/** State-API answers of one node. */
export class StateService {
  constructor(private readonly node: NodeManager) {}

  /** Handles a `state.*` request; resolves with the answer fields. */
  async handle(m: Msg): Promise<Record<string, unknown>> {
    switch (m.t) {
      case 'state.local':
        return this.local(m);
      case 'state.list': {
        const kind = checkKind(m.kind);
        const o = checkListOptions(kind, `list ${kind}`, { filters: m.filters, limit: m.limit, detail: m.detail });
        const { rows, failures } = await this.gather(kind);
        return applyList(kind, rows, o, failures) as unknown as Record<string, unknown>;
      }
      case 'state.getTask': {
        const { rows } = await this.gather('tasks');
        return { row: rows.find((r) => r.taskId === m.taskId) ?? null };
      }
      case 'state.summary': {
        if (m.kind === 'tasks') return { summary: summarizeTaskRows((await this.gather('tasks')).rows) };
        if (m.kind === 'actors') return { summary: summarizeActorRows((await this.gather('actors')).rows) };
        if (m.kind === 'objects') return { summary: summarizeObjectRows((await this.gather('objects')).rows) };
        throw new TypeError(`summary kind must be tasks, actors or objects, got '${String(m.kind)}'`);
      }
      case 'state.timeline':
        return { trace: chromeTrace((await this.gather('tasks')).rows) };
      case 'state.logFiles':
        return { files: await this.fanout<LogFileInfo>({ t: 'state.local', what: 'logFiles' }).then((r) => r.rows) };
      case 'state.logRead':
        return this.readLog(m);
      default:
        throw new TypeError(`unknown state request '${m.t}'`);
    }
  }

  /** Rows of one kind across the cluster, and the nodes that did not answer. */
  async gather<K extends StateKind>(kind: K): Promise<{ rows: StateRows[K][]; failures: string[] }> {
    if (PER_NODE_KINDS.has(kind)) {
      const r = await this.fanout<StateRows[K]>({ t: 'state.local', what: kind });
      if (kind === 'tasks') return { rows: mergeTasks(r.rows as TaskRow[]) as StateRows[K][], failures: r.failures };
      if (kind === 'actors') return { rows: this.withHeadActors(r.rows as ActorRow[]) as StateRows[K][], failures: r.failures };
      return r;
    }
    if (kind === 'nodes') return { rows: (await this.nodes()) as StateRows[K][], failures: [] };
    if (kind === 'jobs') return { rows: (await this.jobs()) as StateRows[K][], failures: [] };
    return { rows: (await this.placementGroups()) as StateRows[K][], failures: [] };
  }

  /** This node's rows (`state.local`). */
  local(m: Msg): Record<string, unknown> {
    const node = this.node;
    switch (m.what as string) {
      case 'tasks':
        return { rows: node.taskEvents.list() };
      case 'actors':
        return { rows: this.localActors() };
      case 'objects':
        return { rows: this.localObjects() };
      case 'workers':
        return { rows: this.localWorkers() };
      case 'logFiles':
        return { rows: node.workerLogs.files() };
      case 'logRead':
        return { chunk: node.workerLogs.read(Number(m.pid), m.stream === 'stderr' ? 'stderr' : 'stdout', Number(m.offset ?? 0)) ?? null };
      default:
        throw new TypeError(`unknown state.local '${String(m.what)}'`);
    }
  }

  private async fanout<T>(msg: Msg): Promise<{ rows: T[]; failures: string[] }> {
    const rows = [...(this.local(msg).rows as T[])];
    const failures: string[] = [];
    const cluster = this.node.cluster;
    if (!cluster) return { rows, failures };
    const others = cluster.aliveNodes().filter((n) => n.nodeId !== this.node.nodeId);
    await Promise.all(others.map(async (n) => {
      try {
        const r = await withTimeout(cluster.requestTo(n.nodeId, msg), FANOUT_TIMEOUT_MS);
        if (r.error) throw new Error(String(r.error));
        rows.push(...(r.rows as T[]));
      } catch {
        failures.push(n.nodeId);
      }
    }));
    return { rows, failures };
  }

  private async readLog(m: Msg): Promise<Record<string, unknown>> {
    const msg = { t: 'state.local', what: 'logRead', pid: m.pid, stream: m.stream, offset: m.offset };
    const nodeId = m.nodeId as string | undefined;
    if (!nodeId || nodeId === this.node.nodeId) {
      const here = this.local(msg).chunk as LogChunk | null;
      if (here || nodeId) return { chunk: here, nodeId: this.node.nodeId };
    }
    const cluster = this.node.cluster;
    if (!cluster) return { chunk: null };
    const targets = nodeId ? [nodeId] : cluster.aliveNodes().map((n) => n.nodeId).filter((id) => id !== this.node.nodeId);
    for (const id of targets) {
      const r = await withTimeout(cluster.requestTo(id, msg), FANOUT_TIMEOUT_MS).catch((): Msg => ({ t: 'r', chunk: null }));
      if (r.chunk) return { chunk: r.chunk, nodeId: id };
    }
    return { chunk: null };
  }

  private localActors(): ActorRow[] {
    return this.node.actors.list().map((a) => ({
      actorId: a.spec.actorId, className: a.spec.cls.name, name: a.spec.name, namespace: a.spec.namespace, state: a.state, numRestarts: a.numRestarts,
      nodeId: this.node.nodeId, pid: a.pid, workerId: a.workerId, deathReason: a.deathReason, requiredResources: a.spec.resources, detached: a.spec.detached,
    }));
  }

  /** Actors the head knows that no live node reported (their node died). */
  private withHeadActors(rows: ActorRow[]): ActorRow[] {
    const gcs = this.node.gcs;
    if (!gcs) return rows;
    const seen = new Set(rows.map((r) => r.actorId));
    for (const a of gcs.actors.values() as Iterable<ActorEntry>) {
      if (seen.has(a.actorId)) continue;
      rows.push({
        actorId: a.actorId, className: a.spec.cls.name, name: a.name, namespace: a.namespace, state: a.state, numRestarts: a.numRestarts,
        nodeId: a.nodeId, deathReason: a.deathReason, requiredResources: a.spec.resources, detached: a.spec.detached,
      });
    }
    return rows;
  }

  private localObjects(): ObjectRow[] {
    const ev = this.node.taskEvents;
    return this.node.objects.snapshot().map((o) => {
      const m = /^(.*)[.~]\d+$/.exec(o.id);
      const taskId = m?.[1];
      return {
        objectId: o.id, objectSize: o.size, state: o.state === 'pending' ? 'PENDING' : o.state === 'remote' ? 'REMOTE' : 'READY', location: o.where,
        referenceCount: o.refs, nodeId: this.node.nodeId, taskId, callSite: taskId ? (ev.nameOf(taskId) ?? '(task)') : 'put', isError: o.isError,
      };
    });
  }

  private localWorkers(): WorkerRow[] {
    return this.node.pool.all().map((w) => ({
      workerId: w.id, pid: w.pid, nodeId: this.node.nodeId, state: w.state.toUpperCase() as WorkerRow['state'],
      actorId: w.ownerKind === 'actor' ? (w.owner as { spec?: { actorId?: string } })?.spec?.actorId : undefined, isAlive: true,
    }));
  }

  private async nodes(): Promise<NodeRow[]> {
    const self = this.node;
    let views: NodeView[] = [];
    if (self.cluster) views = ((await self.headRequest({ t: 'gcs.nodes' })).nodes as NodeView[] | undefined) ?? [...self.cluster.view.values()];
    if (views.length === 0) {
      const r = self.resourceReport();
      return [{
        nodeId: self.nodeId, address: self.tcpAddress ?? self.socketPath, state: 'ALIVE', isHead: true, resourcesTotal: r.total, resourcesAvailable: r.available,
        labels: self.options.labels ?? {}, startTimeMs: self.startedAt, metricsAddress: self.metricsAddress,
      }];
    }
    return views.map((v) => ({
      nodeId: v.nodeId, address: v.address, state: v.state, isHead: v.isHead, resourcesTotal: v.total, resourcesAvailable: v.available, labels: v.labels,
      startTimeMs: v.startedAt, metricsAddress: v.nodeId === self.nodeId ? self.metricsAddress : v.metricsAddress,
    }));
  }

  private async jobs(): Promise<JobRow[]> {
    const self = this.node;
    if (!self.cluster) return [{ jobId: 'driver', type: 'DRIVER', status: 'RUNNING', driverPid: process.pid, startTimeMs: self.startedAt }];
    if (self.gcs && !self.gcs.handlers.has('gcs.jobList')) return [];
    const r = await self.headRequest({ t: 'gcs.jobList' });
    return ((r.jobs as JobInfo[] | undefined) ?? []).map((j) => ({
      jobId: j.submissionId, type: 'SUBMISSION', status: j.status, entrypoint: j.entrypoint.join(' '), driverPid: j.driverPid,
      startTimeMs: j.startTime, endTimeMs: j.endTime, message: j.message,
    }));
  }

  private async placementGroups(): Promise<PlacementGroupRow[]> {
    const r = await this.node.headRequest({ t: 'gcs.pgList' });
    return ((r.pgs as PgRecord[] | undefined) ?? []).map((g) => ({
      placementGroupId: g.pgId, name: g.name, namespace: g.namespace, state: g.state, strategy: g.strategy, bundles: g.bundles, nodes: g.nodes, detached: g.detached,
    }));
  }
}

/** One row per task: a task forwarded between nodes keeps its most advanced record. */
function mergeTasks(rows: TaskRow[]): TaskRow[] {
  const by = new Map<string, TaskRow>();
  for (const r of rows) {
    const prev = by.get(r.taskId);
    if (!prev || TASK_RANK[r.state] > TASK_RANK[prev.state]) by.set(r.taskId, r);
  }
  return [...by.values()];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}
