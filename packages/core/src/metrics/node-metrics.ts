/**
 * A node's Prometheus metrics (prom-client): system gauges read from the node at each
 * scrape (tasks by state and name, actors by state, object store bytes and count,
 * workers, CPU use, resources), plus the user-defined metrics that its workers and
 * drivers report, aggregated here.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { cpus } from 'node:os';
import type { NodeManager } from '../node/node-manager.js';
import type { MetricDef, MetricOp, MetricSink } from './metric-types.js';

type UserMetric = { kind: MetricDef['kind']; metric: Counter<string> | Gauge<string> | Histogram<string> };

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total };
}

/** The metrics of one node. */
export class NodeMetrics implements MetricSink {
  readonly registry = new Registry();
  private readonly user = new Map<string, UserMetric>();
  private lastCpu = cpuTimes();

  constructor(private readonly node: NodeManager) {
    const registers = [this.registry];
    const n = node;
    this.registry.setDefaultLabels({ NodeId: node.nodeId });
    new Gauge({
      name: 'ray_tasks', help: 'Tasks known to this node, by state and name', labelNames: ['State', 'Name'], registers,
      collect() {
        this.reset();
        for (const c of n.taskEvents.counts().values()) this.set({ State: c.state, Name: c.name }, c.n);
      },
    });
    new Gauge({
      name: 'ray_actors', help: 'Actors on this node, by state', labelNames: ['State'], registers,
      collect() {
        const c = n.actors.counts();
        this.set({ State: 'ALIVE' }, c.alive);
        this.set({ State: 'PENDING' }, c.pending);
        this.set({ State: 'RESTARTING' }, c.restarting);
        this.set({ State: 'DEAD' }, c.dead);
      },
    });
    new Gauge({
      name: 'ray_object_store_memory', help: 'Object store bytes, by location', labelNames: ['Location'], registers,
      collect() {
        this.set({ Location: 'MMAP_SHM' }, n.segments.usedBytes);
        this.set({ Location: 'SPILLED' }, n.objects.stats().spilledBytes);
      },
    });
    new Gauge({ name: 'ray_object_store_num_objects', help: 'Objects in this node\'s object store', registers, collect() { this.set(n.objects.size); } });
    new Gauge({ name: 'ray_object_store_available_memory', help: 'Free shared memory of the object store (bytes)', registers, collect() { this.set(Math.max(0, n.objects.capacity - n.segments.usedBytes)); } });
    new Gauge({ name: 'ray_workers', help: 'Worker processes of this node', registers, collect() { this.set(n.pool.all().length); } });
    const self = this;
    new Gauge({
      name: 'ray_node_cpu_utilization', help: 'CPU use of this machine since the last scrape (percent)', registers,
      collect() {
        const now = cpuTimes();
        const dt = now.total - self.lastCpu.total;
        this.set(dt > 0 ? (100 * (dt - (now.idle - self.lastCpu.idle))) / dt : 0);
        self.lastCpu = now;
      },
    });
    new Gauge({ name: 'ray_node_cpu_count', help: 'CPUs of this machine', registers, collect() { this.set(cpus().length); } });
    new Gauge({
      name: 'ray_node_resources_total', help: 'Resources this node offers, by name', labelNames: ['Name'], registers,
      collect() {
        for (const [k, v] of Object.entries(n.resourceReport().total)) this.set({ Name: k }, v);
      },
    });
    new Gauge({
      name: 'ray_node_resources_used', help: 'Resources in use on this node, by name', labelNames: ['Name'], registers,
      collect() {
        const r = n.resourceReport();
        for (const [k, v] of Object.entries(r.total)) this.set({ Name: k }, v - (r.available[k] ?? 0));
      },
    });
  }

  /** Applies user metric definitions and updates from a process of this node. */
  apply(defs: MetricDef[], ops: MetricOp[]): void {
    for (const d of defs) this.define(d);
    for (const [name, value, tags] of ops) {
      const u = this.user.get(name);
      if (!u) continue;
      try {
        if (u.kind === 'counter') (u.metric as Counter<string>).inc(tags, value);
        else if (u.kind === 'gauge') (u.metric as Gauge<string>).set(tags, value);
        else (u.metric as Histogram<string>).observe(tags, value);
      } catch (err) {
        console.error(`[ray-ts] metric ${name}: update dropped: ${(err as Error).message}`);
      }
    }
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private define(d: MetricDef): void {
    const have = this.user.get(d.name);
    if (have) {
      if (have.kind !== d.kind) console.error(`[ray-ts] metric ${d.name} is already a ${have.kind}; a ${d.kind} of that name is ignored`);
      return;
    }
    if (this.registry.getSingleMetric(d.name)) {
      console.error(`[ray-ts] metric ${d.name} clashes with a system metric; pick another name`);
      return;
    }
    const base = { name: d.name, help: d.description || d.name, labelNames: d.tagKeys, registers: [this.registry] };
    const metric = d.kind === 'counter' ? new Counter(base) : d.kind === 'gauge' ? new Gauge(base) : new Histogram({ ...base, ...(d.boundaries?.length ? { buckets: d.boundaries } : {}) });
    this.user.set(d.name, { kind: d.kind, metric });
  }
}
