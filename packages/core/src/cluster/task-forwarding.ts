/**
 * Tasks sent from this node to run on another (spillback, node affinity, spread):
 * the record stays here, the returns are borrowed from the node that runs it, and
 * when that node dies the task is retried elsewhere (per maxRetries).
 */
import type { ArgWire, TaskSpec } from '../transport/protocol.js';
import { returnId } from '../ids.js';
import { WorkerCrashedError } from '../errors.js';
import { failRecord, finishRecord, type TaskRecord } from '../node/task-record.js';
import type { NodeManager } from '../node/node-manager.js';
import type { ObjectLinks } from './object-links.js';
import type { Msg } from './rpc-link.js';

interface Forwarded {
  rec: TaskRecord;
  nodeId: string;
  /** Returns not made yet. */
  waiting: Set<string>;
  /** A streaming task: it ends when its consumer is told so (see {@link TaskForwarding.streamEnded}). */
  stream?: boolean;
}

/** What forwarding needs from the cluster agent. */
export interface ForwardHost {
  readonly node: NodeManager;
  readonly links: ObjectLinks;
  sendTo(nodeId: string, msg: Msg): boolean;
}

/** Tasks of this node running on other nodes. */
export class TaskForwarding {
  private readonly out = new Map<string, Forwarded>();
  /** In flight per node (a cap on what this node sends ahead of the head's view). */
  readonly inFlight = new Map<string, number>();

  constructor(private readonly host: ForwardHost) {}

  /** Number of tasks this node has running elsewhere. */
  get size(): number {
    return this.out.size;
  }

  /** Sends a task record to node `nodeId`; false when the node cannot be reached. */
  send(rec: TaskRecord, nodeId: string, kind: 'task' | 'actorTask' = 'task'): boolean {
    const { node } = this.host;
    const spec: TaskSpec = { ...rec.spec, args: rec.spec.args.map((a) => this.inlineArg(a)), spilledFrom: node.nodeId };
    if (spec.numReturns < 0) {
      // A stream: its items are asked for one by one from the node that runs it.
      if (!this.host.sendTo(nodeId, { t: kind === 'task' ? 'fwdTask' : 'fwdActorTask', spec, from: node.nodeId })) return false;
      rec.state = 'running';
      this.out.set(spec.taskId, { rec, nodeId, waiting: new Set(), stream: true });
      this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 0) + 1);
      node.onStreamForwarded(spec.taskId);
      return true;
    }
    const rets = Array.from({ length: Math.max(1, spec.numReturns) }, (_, i) => returnId(spec.taskId, i));
    // The node running it holds the returns for this node until this node has them.
    if (!this.host.sendTo(nodeId, { t: 'refs', add: rets, remove: [] })) return false;
    this.host.links.noteBorrowed(rets, nodeId);
    this.host.sendTo(nodeId, { t: kind === 'task' ? 'fwdTask' : 'fwdActorTask', spec, from: node.nodeId });
    this.host.links.watch(rets, nodeId);
    rec.state = 'running';
    const f: Forwarded = { rec, nodeId, waiting: new Set(rets) };
    this.out.set(spec.taskId, f);
    this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 0) + 1);
    for (const id of rets) node.objects.onMade(id, () => this.onReturnMade(f, id));
    return true;
  }

  /** The node running a forwarded stream, if `taskId` is one. */
  streamNode(taskId: string): string | undefined {
    const f = this.out.get(taskId);
    return f?.stream ? f.nodeId : undefined;
  }

  /** A forwarded stream ended (its last item was handed out, or its node died): finish its record. */
  streamEnded(taskId: string): void {
    const f = this.out.get(taskId);
    if (!f?.stream) return;
    this.out.delete(taskId);
    this.inFlight.set(f.nodeId, Math.max(0, (this.inFlight.get(f.nodeId) ?? 1) - 1));
    finishRecord(this.host.node, f.rec);
    this.host.node.scheduler.scheduleDispatch();
  }

  /** Forwards a cancel of a task that runs elsewhere; false when it is not one. */
  cancel(taskId: string, force: boolean, recursive: boolean): boolean {
    const f = this.out.get(taskId);
    if (!f) return false;
    f.rec.cancelled = true;
    this.host.sendTo(f.nodeId, { t: 'cancel', id: returnId(taskId, 0), force, recursive });
    return true;
  }

  /** Node `dead` died: its tasks from here run again elsewhere, or fail. Returns the ids of the tasks it handled. */
  onNodeDead(dead: string, resubmit: (spec: TaskSpec) => void): Set<string> {
    this.inFlight.delete(dead);
    const handled = new Set<string>();
    for (const f of [...this.out.values()]) {
      // Actor calls: the remote-actor router decides. Streams: their consumer gets the error.
      if (f.nodeId !== dead || f.rec.spec.actorId || f.stream) continue;
      this.out.delete(f.rec.spec.taskId);
      handled.add(f.rec.spec.taskId);
      const { rec } = f;
      const rets = Array.from({ length: Math.max(1, rec.spec.numReturns) }, (_, i) => returnId(rec.spec.taskId, i));
      for (const id of rets) this.host.node.objects.resetToPending(id);
      if (rec.retriesLeft > 0 && !rec.cancelled) {
        // Run it again: a fresh record from this spec; this one lets go of its argument holds.
        const spec = { ...rec.spec, maxRetries: rec.retriesLeft - 1 };
        rec.state = 'finished';
        for (const a of rec.spec.argRefs) this.host.node.objects.removeRef(a);
        resubmit(spec);
      } else {
        failRecord(this.host.node, rec, new WorkerCrashedError(rec.spec.name, `its node ${dead} died`));
      }
    }
    return handled;
  }

  /** Records of forwarded actor calls that were on `dead` (taken out; the caller re-sends or fails them). */
  takeActorCalls(dead: string): TaskRecord[] {
    const out: TaskRecord[] = [];
    for (const f of [...this.out.values()]) {
      if (f.nodeId === dead && f.rec.spec.actorId && !f.stream) {
        this.out.delete(f.rec.spec.taskId);
        out.push(f.rec);
      }
    }
    return out;
  }

  private onReturnMade(f: Forwarded, id: string): void {
    if (!f.waiting.delete(id) || f.waiting.size) return;
    if (this.out.get(f.rec.spec.taskId) !== f) return;
    this.out.delete(f.rec.spec.taskId);
    const n = (this.inFlight.get(f.nodeId) ?? 1) - 1;
    this.inFlight.set(f.nodeId, Math.max(0, n));
    const rets = Array.from({ length: Math.max(1, f.rec.spec.numReturns) }, (_, i) => returnId(f.rec.spec.taskId, i));
    if (!f.rec.spec.actorId) this.host.links.keepLineage(f.rec.spec, rets.filter((r) => this.host.node.objects.remoteOf(r)));
    finishRecord(this.host.node, f.rec);
    this.host.node.scheduler.scheduleDispatch();
  }

  private inlineArg(a: ArgWire): ArgWire {
    if ('v' in a && a.v.s) return { v: this.host.node.inlined(a.v) };
    return a;
  }
}
