/**
 * Worker output for drivers, across a cluster. In Ray every node's log monitor publishes
 * worker lines and each driver subscribes to its job's; here the node a driver attaches to
 * tells the other live nodes which jobs its drivers run (`logSub`, repeated for nodes that
 * join later), and each node sends the lines of those jobs (and lines outside any job)
 * straight to that node, batched every `RAY_TS_LOG_RELAY_BATCH_MS` in one `logBatch`
 * message. The head carries none of it. A node buffers at most
 * `RAY_TS_LOG_RELAY_MAX_BUFFERED_LINES` lines for another node; beyond that lines are
 * dropped and the driver is told how many. Lines from other nodes show the node in their
 * prefix, `(fn pid=123, ip=10.0.0.2, node=1a2b3c4d)`; the driver deduplicates them with
 * its own node's (see LogDeduplicator).
 */
import { config } from '../config.js';
import type { LogLine } from '../state/worker-logs.js';
import type { NodeManager } from '../node/node-manager.js';

type Msg = Record<string, any> & { t: string };

/** What the relay needs of its node (a fake in unit tests). */
export interface LogRelayHost {
  readonly nodeId: string;
  /** Calls `fn` with every line of this node's workers; returns the unsubscribe function. */
  subscribeLocal(fn: (l: LogLine) => void): () => void;
  /** The other live nodes of the cluster (none outside a cluster). */
  peers(): string[];
  /** Whether the cluster declared the node dead. */
  isDead(nodeId: string): boolean;
  /** Sends a message to another node; false when it cannot be reached now. */
  sendTo(nodeId: string, msg: Msg): boolean;
  /** This node's address without the port, shown as `ip=` in other nodes' drivers. */
  ip(): string;
}

/** Where a driver attached to this node gets worker lines. */
export type LogSink = (lines: LogLine[]) => void;

interface Driver {
  jobId?: string;
  sink: LogSink;
}

interface Outbox {
  lines: LogLine[];
  bytes: number;
  dropped: number;
}

/** Bytes a buffered line may use on average before the byte bound drops lines. */
const BYTES_PER_LINE = 1024;

/** The `(fn pid=1)` prefix of a line shown on another node's driver: `(fn pid=1, ip=..., node=...)`. */
export function remotePrefix(prefix: string, ip: string, nodeId: string): string {
  const where = `ip=${ip}, node=${nodeId.slice(0, 8)}`;
  return prefix.endsWith(')') ? `${prefix.slice(0, -1)}, ${where})` : `${prefix} (${where})`;
}

/** One node's part in getting worker output to the drivers of the cluster. */
export class LogRelay {
  private readonly drivers = new Set<Driver>();
  /** Jobs of the drivers attached here, with how many drivers run each. */
  private readonly jobs = new Map<string, number>();
  /** Jobs each other node was told this node wants. */
  private readonly told = new Map<string, Set<string>>();
  /** Jobs each other node wants from this node. */
  private readonly wanted = new Map<string, Set<string>>();
  private readonly outboxes = new Map<string, Outbox>();
  private unlisten?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(private readonly host: LogRelayHost) {}

  /**
   * A driver attached here: `sink` gets the lines of job `jobId` from every node of the
   * cluster, and the lines outside any job (no `jobId`: every line of this node). Returns
   * the detach function.
   */
  attachDriver(jobId: string | undefined, sink: LogSink): () => void {
    const d: Driver = { jobId, sink };
    this.drivers.add(d);
    if (jobId) {
      this.jobs.set(jobId, (this.jobs.get(jobId) ?? 0) + 1);
      this.announce();
    }
    this.refresh();
    return () => {
      if (!this.drivers.delete(d)) return;
      if (jobId) {
        const n = (this.jobs.get(jobId) ?? 1) - 1;
        if (n > 0) this.jobs.set(jobId, n);
        else {
          this.jobs.delete(jobId);
          for (const [node, jobs] of this.told) if (jobs.delete(jobId)) this.host.sendTo(node, { t: 'logUnsub', jobId });
        }
      }
      this.refresh();
    };
  }

  /** Another node's drivers want job `jobId`'s lines from here. */
  onSubscribe(from: string, jobId: string): void {
    let jobs = this.wanted.get(from);
    if (!jobs) this.wanted.set(from, (jobs = new Set()));
    jobs.add(jobId);
    this.refresh();
  }

  /** Another node's last driver of job `jobId` left. */
  onUnsubscribe(from: string, jobId: string): void {
    const jobs = this.wanted.get(from);
    if (jobs?.delete(jobId) && jobs.size === 0) this.wanted.delete(from);
    this.refresh();
  }

  /** Lines another node sent for the drivers attached here. */
  onBatch(lines: LogLine[]): void {
    this.deliver(lines);
  }

  /** Stops (node shutdown: its links are closing, so what is buffered is dropped). */
  close(): void {
    this.outboxes.clear();
    this.drivers.clear();
    this.jobs.clear();
    this.wanted.clear();
    this.refresh();
  }

  private onLocal(l: LogLine): void {
    this.deliver([l]);
    let shown: LogLine | undefined;
    for (const [node, jobs] of this.wanted) {
      if (l.jobId && !jobs.has(l.jobId)) continue;
      shown ??= { ...l, prefix: remotePrefix(l.prefix, this.host.ip(), this.host.nodeId) };
      this.enqueue(node, shown);
    }
  }

  private deliver(lines: LogLine[]): void {
    for (const d of this.drivers) {
      const mine = d.jobId ? lines.filter((l) => !l.jobId || l.jobId === d.jobId) : lines;
      if (mine.length) d.sink(mine);
    }
  }

  private enqueue(node: string, l: LogLine): void {
    let box = this.outboxes.get(node);
    if (!box) this.outboxes.set(node, (box = { lines: [], bytes: 0, dropped: 0 }));
    const max = config.logRelayMaxBufferedLines;
    const size = l.line.length + l.prefix.length;
    if (box.lines.length >= max || box.bytes + size > max * BYTES_PER_LINE) {
      box.dropped++;
      return;
    }
    box.lines.push(l);
    box.bytes += size;
  }

  /** Tells live nodes (new ones too) the jobs of the drivers here. */
  private announce(): void {
    const live = new Set(this.host.peers());
    for (const node of this.told.keys()) if (!live.has(node)) this.told.delete(node);
    for (const node of live) {
      let told = this.told.get(node);
      for (const jobId of this.jobs.keys()) {
        if (told?.has(jobId)) continue;
        if (!this.host.sendTo(node, { t: 'logSub', jobId })) break;
        if (!told) this.told.set(node, (told = new Set()));
        told.add(jobId);
      }
    }
  }

  /** Sends each node its buffered lines; keeps them (bounded) for a node not reachable yet. */
  private flush(): void {
    for (const [node, box] of this.outboxes) {
      if (this.host.isDead(node)) {
        this.outboxes.delete(node);
        this.wanted.delete(node);
        continue;
      }
      if (box.dropped) {
        box.lines.push({
          nodeId: this.host.nodeId, pid: 0, stream: 'stderr', prefix: remotePrefix('(ray-ts)', this.host.ip(), this.host.nodeId),
          line: `${box.dropped} lines of worker output were dropped: more than ${config.logRelayMaxBufferedLines} were waiting to be sent (RAY_TS_LOG_RELAY_MAX_BUFFERED_LINES).`,
        });
      }
      const step = Math.max(1, config.logRelayMaxBatchLines);
      let sent = 0;
      while (sent < box.lines.length && this.host.sendTo(node, { t: 'logBatch', lines: box.lines.slice(sent, sent + step) })) sent += step;
      if (sent >= box.lines.length) this.outboxes.delete(node);
      else {
        box.lines = box.lines.slice(sent);
        box.bytes = box.lines.reduce((n, l) => n + l.line.length + l.prefix.length, 0);
        box.dropped = 0;
      }
    }
    for (const node of this.wanted.keys()) if (this.host.isDead(node)) this.wanted.delete(node);
  }

  private tick(): void {
    if (this.jobs.size) this.announce();
    this.flush();
    this.refresh();
  }

  /** Follows this node's workers while anyone wants their lines; ticks while there is anything to announce or send. */
  private refresh(): void {
    const listen = this.drivers.size > 0 || this.wanted.size > 0;
    if (listen && !this.unlisten) this.unlisten = this.host.subscribeLocal((l) => this.onLocal(l));
    else if (!listen && this.unlisten) {
      this.unlisten();
      this.unlisten = undefined;
    }
    const busy = this.jobs.size > 0 || this.wanted.size > 0 || this.outboxes.size > 0;
    if (busy && !this.timer) {
      this.timer = setInterval(() => this.tick(), Math.max(10, config.logRelayBatchMs));
      this.timer.unref();
    } else if (!busy && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** The relay's view of a node: its worker logs and, in a cluster, the other nodes. */
export function nodeLogRelayHost(node: NodeManager): LogRelayHost {
  return {
    nodeId: node.nodeId,
    subscribeLocal: (fn) => node.workerLogs.subscribe(fn),
    peers: () => (node.cluster ? node.cluster.aliveNodes().map((n) => n.nodeId).filter((id) => id !== node.nodeId) : []),
    isDead: (id) => node.cluster?.view.get(id)?.state === 'DEAD',
    sendTo: (id, msg) => node.cluster?.sendTo(id, msg) ?? false,
    ip: () => {
      const a = node.tcpAddress ?? '';
      const i = a.lastIndexOf(':');
      return i > 0 ? a.slice(0, i) : 'localhost';
    },
  };
}
