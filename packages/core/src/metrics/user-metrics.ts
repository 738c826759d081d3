/**
 * User-defined metrics (Ray's `ray.util.metrics`): Counter, Gauge and Histogram,
 * usable in drivers, tasks and actors. Updates go to the process's node, which
 * aggregates them and serves them on its `/metrics` endpoint. In a worker, updates
 * are batched and sent before each task reports its end.
 */
import { currentState } from '../api/state.js';
import type { MetricDef, MetricKind, MetricOp } from './metric-types.js';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const pendingDefs: MetricDef[] = [];
const pendingOps: MetricOp[] = [];
/** Definitions already sent, per runtime (a new init() sends them again). */
let sentTo: unknown;
const allDefs = new Map<string, MetricDef>();
let timer: NodeJS.Timeout | undefined;
/** Updates kept at most while no runtime exists. */
const MAX_PENDING = 100_000;

/** Sends batched metric updates to the node now (workers call it before reporting a task's end). @internal */
export function flushMetrics(): void {
  if (timer) {
    clearTimeout(timer);
    timer = undefined;
  }
  const st = currentState();
  if (!st || (pendingOps.length === 0 && pendingDefs.length === 0)) return;
  if (sentTo !== st) {
    sentTo = st;
    pendingDefs.splice(0, pendingDefs.length, ...allDefs.values());
  }
  const defs = pendingDefs.splice(0);
  const ops = pendingOps.splice(0);
  if (st.node) st.node.metrics.apply(defs, ops);
  else {
    const client = st.core.client as { send?: (m: Record<string, unknown> & { t: string }) => void };
    client.send?.({ t: 'metrics', defs, ops });
  }
}

function record(def: MetricDef, op: MetricOp): void {
  if (pendingOps.length >= MAX_PENDING) pendingOps.shift();
  pendingOps.push(op);
  const st = currentState();
  if (st?.node) return flushMetrics();
  if (!timer) {
    timer = setTimeout(flushMetrics, 100);
    timer.unref();
  }
  void def;
}

/** Options of a metric. */
export interface MetricOptions {
  /** Help text of the metric. @default the name */
  description?: string;
  /** Tag (label) names its updates may carry. @default [] */
  tagKeys?: string[];
}

/** Base of the user metrics. */
abstract class Metric {
  readonly name: string;
  protected readonly def: MetricDef;
  private defaultTags: Record<string, string> = {};

  protected constructor(kind: MetricKind, name: string, options: MetricOptions & { boundaries?: number[] }, where: string) {
    if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`${where} name must match ${NAME} (Prometheus), got '${String(name)}'`);
    const tagKeys = options.tagKeys ?? [];
    if (!Array.isArray(tagKeys) || tagKeys.some((k) => typeof k !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))) {
      throw new TypeError(`${where} options.tagKeys must be an array of label names`);
    }
    if (options.description !== undefined && typeof options.description !== 'string') throw new TypeError(`${where} options.description must be a string`);
    this.name = name;
    this.def = { name, kind, description: options.description ?? '', tagKeys: [...tagKeys], ...(options.boundaries ? { boundaries: options.boundaries } : {}) };
    const known = allDefs.get(name);
    if (known && known.kind !== kind) throw new TypeError(`${where}: a ${known.kind} named '${name}' already exists in this process`);
    if (!known) {
      allDefs.set(name, this.def);
      pendingDefs.push(this.def);
    }
  }

  /** Tags added to every update that does not set them. */
  setDefaultTags(tags: Record<string, string>): this {
    this.defaultTags = this.checkTags(tags, 'setDefaultTags()');
    return this;
  }

  protected update(value: number, tags: Record<string, string> | undefined, where: string): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${this.name}.${where} value must be a finite number, got ${String(value)}`);
    const all = { ...this.defaultTags, ...this.checkTags(tags ?? {}, where) };
    for (const k of this.def.tagKeys) if (all[k] === undefined) throw new TypeError(`${this.name}.${where}: tag '${k}' is missing (pass it, or set it with setDefaultTags())`);
    record(this.def, [this.name, value, all]);
  }

  private checkTags(tags: Record<string, string>, where: string): Record<string, string> {
    for (const [k, v] of Object.entries(tags)) {
      if (!this.def.tagKeys.includes(k)) throw new TypeError(`${this.name}.${where}: tag '${k}' is not one of its tagKeys [${this.def.tagKeys.join(', ')}]`);
      if (typeof v !== 'string') throw new TypeError(`${this.name}.${where}: tag '${k}' must be a string`);
    }
    return tags;
  }
}

/** A count that only goes up (Ray's `Counter`), summed over every process that increments it. */
export class Counter extends Metric {
  constructor(name: string, options: MetricOptions = {}) {
    super('counter', name, options, 'Counter');
  }
  /** Adds `value` (default 1, must be > 0). */
  inc(value = 1, tags?: Record<string, string>): void {
    if (value <= 0) throw new RangeError(`${this.name}.inc() value must be > 0, got ${value}`);
    this.update(value, tags, 'inc()');
  }
}

/** A value that goes up and down (Ray's `Gauge`); the last value set, from any process, is shown. */
export class Gauge extends Metric {
  constructor(name: string, options: MetricOptions = {}) {
    super('gauge', name, options, 'Gauge');
  }
  /** Sets the value. */
  set(value: number, tags?: Record<string, string>): void {
    this.update(value, tags, 'set()');
  }
}

/** Options of a {@link Histogram}. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, increasing. @default prom-client's defaults (0.005 … 10) */
  boundaries?: number[];
}

/** A distribution of observed values in buckets (Ray's `Histogram`). */
export class Histogram extends Metric {
  constructor(name: string, options: HistogramOptions = {}) {
    const b = options.boundaries;
    if (b !== undefined && (!Array.isArray(b) || b.length === 0 || b.some((x, i) => typeof x !== 'number' || !Number.isFinite(x) || (i > 0 && x <= b[i - 1]!)))) {
      throw new TypeError('Histogram options.boundaries must be a non-empty array of increasing numbers');
    }
    super('histogram', name, options, 'Histogram');
  }
  /** Records one value. */
  observe(value: number, tags?: Record<string, string>): void {
    this.update(value, tags, 'observe()');
  }
}
