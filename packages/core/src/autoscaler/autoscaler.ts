/**
 * The autoscaler (Ray's `StandardAutoscaler`): every `updateIntervalS` it reads the
 * cluster's nodes and demand from the head, plans launches with {@link planLaunches},
 * asks the {@link NodeProvider} for them, and removes worker nodes idle longer than
 * `idleTimeoutS` (keeping `minWorkers` and what `requestResources` asks for).
 *
 * Idle means the node's last heartbeat showed no running or queued tasks, no actors, no
 * placement-group bundles and no object on it that anything still references (the node
 * is asked, through its heartbeat; objects are not moved first, so a node holding the only
 * copy of a referenced object stays until the reference goes). Removal first declares the
 * node gone at the head (others stop sending it work and retry anything in flight there,
 * per maxRetries), then terminates it through the provider.
 */
import type { ResourceMap } from '../transport/protocol.js';
import type { NodeView } from '../gcs/gcs-types.js';
import type { PgRecord } from '../gcs/placement-groups.js';
import type { ClusterConfig } from './cluster-config.js';
import type {
  AutoscalerNodeReport, AutoscalerReport, ClusterDemand, Plan, PlannerNode, ScalingDecision, UnmetDemand,
} from './autoscaler-types.js';
import { PROVIDER_ID_LABEL, type NodeProvider } from './node-provider.js';
import { planLaunches } from './planner.js';
import { busyReasons } from './node-load.js';
import { biggerFirst, fitsIn, shapeKey, take } from './resource-math.js';

/** What the autoscaler needs from the head. */
export interface AutoscalerHost {
  /** The head's node table. */
  nodes(): NodeView[];
  /** Placement groups (pending ones are demand). */
  placementGroups(): Promise<PgRecord[]>;
  /** Declares a node gone before it is terminated. */
  drainNode(nodeId: string, why: string): void;
}

const MAX_DECISIONS = 50;
/** Launch backoff after failed launches of a type: 5 s, doubling per failure in a row, at most 5 min. */
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 300_000;

/** Grows and shrinks a cluster. */
export class Autoscaler {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private request: ResourceMap[] = [];
  private readonly idleSince = new Map<string, number>();
  private readonly decisions: ScalingDecision[] = [];
  private readonly warned = new Set<string>();
  /** Provider ids seen last round, and the ones this autoscaler terminated (to tell a lost node). */
  private known = new Set<string>();
  private readonly removed = new Set<string>();
  /** Per node type: failed launches in a row and when launching may resume. */
  private readonly backoff = new Map<string, { failures: number; until: number; noted?: boolean }>();
  private last: { nodes: AutoscalerNodeReport[]; demand: ClusterDemand; plan?: Plan } = { nodes: [], demand: { shapes: [], placementGroups: [] } };

  constructor(
    readonly config: Readonly<ClusterConfig>,
    readonly provider: NodeProvider,
    private readonly host: AutoscalerHost,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs {@link update} every `updateIntervalS`. */
  start(): void {
    this.timer = setInterval(() => void this.tick(), this.config.updateIntervalS * 1000);
    this.timer.unref();
    void this.tick();
  }

  /** Stops the loop (nodes keep running; `ray-ts down` terminates them). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.provider.close();
  }

  /** A standing request (Ray's `request_resources`): replaces the previous one; `[]` clears it. */
  setRequest(bundles: ResourceMap[]): void {
    this.request = bundles.map((b) => ({ ...b }));
    this.record({ action: 'request', reason: bundles.length ? `requestResources: ${bundles.length} bundle(s) ${summarize(bundles)}` : 'requestResources cleared' });
    void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.round) return;
    try {
      await this.update();
    } catch (err) {
      this.record({ action: 'error', reason: (err as Error).message });
      console.error(`[ray-ts] autoscaler: ${(err as Error).message}`);
    }
  }

  /** One round: match nodes, plan and launch, remove idle nodes. Rounds never overlap. */
  async update(): Promise<void> {
    while (this.round) await this.round.catch(() => {});
    this.round = this.runRound().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private async runRound(): Promise<void> {
    const cfg = this.config;
    const now = this.now();
    const alive = this.host.nodes().filter((n) => n.state === 'ALIVE');
    const joined = new Map(alive.filter((n) => n.labels?.[PROVIDER_ID_LABEL]).map((n) => [n.labels[PROVIDER_ID_LABEL]!, n]));
    const ours = await this.provider.nonTerminatedNodes();
    const oursIds = new Set(ours.map((p) => p.id));
    this.noteFailures(now); // after listing: a node that failed is reported before it leaves the list
    this.noteLost(oursIds);
    const plannerNodes: PlannerNode[] = alive.filter((n) => !oursIds.has(n.labels?.[PROVIDER_ID_LABEL] ?? '')).map((n) => ({ id: n.nodeId, total: n.total, available: n.available }));
    const reports: AutoscalerNodeReport[] = [];
    let launching = 0;
    for (const p of ours) {
      const type = cfg.availableNodeTypes[p.nodeType];
      const g = joined.get(p.id);
      if (!g) {
        if (now - p.launchedAt > cfg.launchTimeoutS * 1000) {
          this.record({ action: 'terminate', nodeType: p.nodeType, nodeId: p.id, reason: `it did not join within launchTimeoutS (${cfg.launchTimeoutS} s)` });
          this.failed(p.nodeType, now);
          await this.terminate(p.id);
          continue;
        }
        launching++;
        if (type) plannerNodes.push({ id: p.id, nodeType: p.nodeType, total: { ...type.resources }, available: { ...type.resources } });
        reports.push({ providerId: p.id, nodeType: p.nodeType, state: 'launching' });
        continue;
      }
      plannerNodes.push({ id: g.nodeId, nodeType: p.nodeType, total: g.total, available: g.available });
      this.backoff.delete(p.nodeType); // a node of this type came up: launches work
      const busy = busyReasons(g.usage, g.total, g.queued);
      if (busy.length) {
        this.idleSince.delete(p.id);
        reports.push({ providerId: p.id, nodeType: p.nodeType, nodeId: g.nodeId, state: 'running', busy });
      } else {
        if (!this.idleSince.has(p.id)) this.idleSince.set(p.id, now);
        reports.push({ providerId: p.id, nodeType: p.nodeType, nodeId: g.nodeId, state: 'idle', idleS: (now - this.idleSince.get(p.id)!) / 1000 });
      }
    }
    for (const id of this.idleSince.keys()) if (!oursIds.has(id)) this.idleSince.delete(id);

    const demand = await this.demand(alive);
    const plan = planLaunches({
      nodeTypes: cfg.availableNodeTypes, nodes: plannerNodes, demand, request: this.request,
      maxWorkers: cfg.maxWorkers, upscalingSpeed: cfg.upscalingSpeed, launching,
    });
    this.last = { nodes: reports, demand, plan };
    this.warn(plan.infeasible, plan.waiting);
    for (const r of plan.reasons) {
      const b = this.backoff.get(r.nodeType);
      if (b && now < b.until) {
        if (!b.noted) this.record({ action: 'backoff', nodeType: r.nodeType, reason: `${b.failures} launch(es) of ${r.nodeType} failed in a row; the next waits until ${new Date(b.until).toISOString()}` });
        b.noted = true;
        continue;
      }
      this.record({ action: 'launch', nodeType: r.nodeType, count: r.count, reason: r.reason });
      const type = cfg.availableNodeTypes[r.nodeType]!;
      const ids = await this.provider.createNode({ nodeType: r.nodeType, resources: { ...type.resources }, labels: {} }, r.count);
      for (const id of ids) reports.push({ providerId: id, nodeType: r.nodeType, state: 'launching' });
    }
    await this.scaleDown(reports, plannerNodes, now, demand);
  }

  private async scaleDown(reports: AutoscalerNodeReport[], plannerNodes: PlannerNode[], now: number, demand: ClusterDemand): Promise<void> {
    const cfg = this.config;
    const timeoutMs = cfg.idleTimeoutS * 1000;
    const perType = new Map<string, number>();
    for (const r of reports) perType.set(r.nodeType, (perType.get(r.nodeType) ?? 0) + 1);
    const idle = reports
      .filter((r) => r.state === 'idle' && now - (this.idleSince.get(r.providerId) ?? now) >= timeoutMs)
      .sort((a, b) => this.idleSince.get(a.providerId)! - this.idleSince.get(b.providerId)!);
    let remaining = plannerNodes;
    for (const r of idle) {
      const min = cfg.availableNodeTypes[r.nodeType]?.minWorkers ?? 0;
      if ((perType.get(r.nodeType) ?? 0) <= min) continue;
      const total = remaining.find((n) => n.id === r.nodeId)?.total ?? {};
      // Pending work that fits it is about to go there (removing it would only launch another).
      if (demand.shapes.some((s) => fitsIn(s.resources, total))) continue;
      const without = remaining.filter((n) => n.id !== r.nodeId);
      if (this.request.length && !holds(this.request, without) && holds(this.request, remaining)) continue; // needed by requestResources
      perType.set(r.nodeType, perType.get(r.nodeType)! - 1);
      remaining = without;
      this.idleSince.delete(r.providerId);
      this.record({ action: 'terminate', nodeType: r.nodeType, nodeId: r.nodeId, reason: `idle for more than idleTimeoutS (${cfg.idleTimeoutS} s)` });
      this.host.drainNode(r.nodeId!, `the autoscaler removes it: idle for more than ${cfg.idleTimeoutS} s`);
      await this.terminate(r.providerId);
      reports.splice(reports.indexOf(r), 1);
    }
  }

  private async terminate(providerId: string): Promise<void> {
    this.removed.add(providerId);
    await this.provider.terminateNode(providerId);
  }

  /** Records launches the provider reports as failed and backs off their type. */
  private noteFailures(now: number): void {
    for (const f of this.provider.takeLaunchFailures?.() ?? []) {
      this.removed.add(f.id);
      this.record({ action: 'launch-failed', nodeType: f.nodeType, nodeId: f.id, reason: f.reason });
      this.failed(f.nodeType, now);
    }
  }

  private failed(nodeType: string, now: number): void {
    const failures = (this.backoff.get(nodeType)?.failures ?? 0) + 1;
    this.backoff.set(nodeType, { failures, until: now + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)) });
  }

  /** Records nodes that went away without this autoscaler removing them (crashed, killed, stopped). */
  private noteLost(current: Set<string>): void {
    for (const id of this.known) {
      if (current.has(id) || this.removed.has(id)) continue;
      const type = this.last.nodes.find((n) => n.providerId === id)?.nodeType;
      this.record({ action: 'lost', nodeType: type, nodeId: id, reason: 'the node went away without the autoscaler removing it (crashed or stopped); pending work may launch a replacement' });
    }
    for (const id of this.removed) if (!current.has(id)) this.removed.delete(id);
    this.known = current;
  }

  private async demand(alive: NodeView[]): Promise<ClusterDemand> {
    const shapes = new Map<string, { resources: ResourceMap; count: number }>();
    for (const n of alive) {
      for (const d of n.demand ?? []) {
        const k = shapeKey(d.resources);
        const s = shapes.get(k) ?? { resources: JSON.parse(k) as ResourceMap, count: 0 };
        s.count += d.count;
        shapes.set(k, s);
      }
    }
    const pgs = (await this.host.placementGroups()).filter((g) => g.state === 'PENDING' || g.state === 'RESCHEDULING');
    return { shapes: [...shapes.values()], placementGroups: pgs.map((g) => ({ pgId: g.pgId, bundles: g.bundles, strategy: g.strategy })) };
  }

  /** Logs infeasible (and newly capped) demand once per shape while it lasts. */
  private warn(infeasible: UnmetDemand[], waiting: UnmetDemand[]): void {
    const seen = new Set<string>();
    for (const u of infeasible) {
      const k = `i|${u.kind}|${shapeKey(u.resources)}|${u.reason}`;
      seen.add(k);
      if (this.warned.has(k)) continue;
      this.warned.add(k);
      const msg = `no node type can run ${u.kind} demand ${shapeKey(u.resources)} x${u.count} (${u.reason}); it is not launched for. Add a node type with these resources to availableNodeTypes.`;
      console.warn(`[ray-ts] autoscaler warning: ${msg}`);
      this.record({ action: 'infeasible', count: u.count, reason: msg });
    }
    for (const u of waiting) {
      const k = `w|${u.kind}|${shapeKey(u.resources)}|${u.reason}`;
      seen.add(k);
      if (this.warned.has(k)) continue;
      this.warned.add(k);
      this.record({ action: 'waiting', count: u.count, reason: `${u.kind} demand ${shapeKey(u.resources)} x${u.count} waits: ${u.reason}` });
    }
    for (const k of this.warned) if (!seen.has(k)) this.warned.delete(k);
  }

  private record(d: Omit<ScalingDecision, 'at'>): void {
    this.decisions.push({ at: this.now(), ...d });
    if (this.decisions.length > MAX_DECISIONS) this.decisions.splice(0, this.decisions.length - MAX_DECISIONS);
  }

  /** The autoscaler's part of `ray-ts status`. */
  report(): AutoscalerReport {
    const cfg = this.config;
    const nodeTypes: AutoscalerReport['nodeTypes'] = {};
    for (const [name, t] of Object.entries(cfg.availableNodeTypes)) {
      const mine = this.last.nodes.filter((n) => n.nodeType === name);
      nodeTypes[name] = { ...t, running: mine.filter((n) => n.state !== 'launching').length, launching: mine.filter((n) => n.state === 'launching').length };
    }
    return {
      clusterName: cfg.clusterName,
      provider: this.provider.name,
      nodeTypes,
      nodes: this.last.nodes,
      demand: this.last.demand,
      request: this.request,
      infeasible: this.last.plan?.infeasible ?? [],
      waiting: this.last.plan?.waiting ?? [],
      decisions: [...this.decisions],
    };
  }
}

/** True when `bundles` fit in the nodes' totals (first-fit-decreasing). */
function holds(bundles: ResourceMap[], nodes: PlannerNode[]): boolean {
  const free = nodes.map((n) => ({ ...n.total }));
  for (const b of [...bundles].sort(biggerFirst)) {
    const f = free.find((x) => fitsIn(b, x));
    if (!f) return false;
    take(f, b);
  }
  return true;
}

function summarize(bundles: ResourceMap[]): string {
  const m = new Map<string, number>();
  for (const b of bundles) m.set(shapeKey(b), (m.get(shapeKey(b)) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k}x${n}`).join(' ');
}
