/**
 * The streams of a node (streaming generator tasks and actor methods): the items each
 * has yielded, and consumers that wait for the next one. An item is held for its
 * consumer until the consumer asks for the one after it. A stream whose task went to
 * another node is followed there (the cluster agent asks that node).
 *
 * Backpressure (`genBackpressure` in the spec): each time the consumer asks for item i it
 * has consumed i items, which the node tells the worker running the generator (`genAck`),
 * so the worker can pause the generator while too many items wait here. A retried attempt
 * that yields items already stored is told again how far the consumer is.
 */
import type { WireObject } from '../transport/protocol.js';
import { streamItemId } from '../ids.js';
import type { TaskRecord } from './task-record.js';
import type { NodeManager } from './node-manager.js';

interface StreamState {
  rec?: TaskRecord;
  count: number;
  /** Items the consumer has consumed: the highest index it asked for. */
  consumed: number;
  ended: boolean;
  waiters: Array<() => void>;
}

/** Streams of one node. */
export class NodeStreams {
  private readonly streams = new Map<string, StreamState>();

  constructor(private readonly node: NodeManager) {}

  /** Starts tracking the stream of a submitted streaming task. */
  add(rec: TaskRecord): void {
    this.streams.set(rec.spec.taskId, { rec, count: rec.yielded, consumed: 0, ended: rec.state === 'finished', waiters: [] });
  }

  /** A streaming task yielded item `index`. */
  onYield(taskId: string, index: number, obj: WireObject, contained: string[]): void {
    const { node } = this;
    const st = this.streams.get(taskId);
    if (!st || index < st.count || st.ended) {
      if (obj.s) {
        node.segments.adopt(obj.s, obj.n);
        node.segments.release(obj.s);
      }
      if (st && !st.ended) this.ack(st);
      return;
    }
    const id = streamItemId(taskId, index);
    node.objects.addRef(id); // held for the consumer until it asks for the next item
    node.put(id, obj, contained);
    st.count = index + 1;
    if (st.rec) st.rec.yielded = st.count;
    for (const w of st.waiters.splice(0)) w();
  }

  /** Next item of a stream: its id, or done. Asking for item i releases the node's hold on item i-1. */
  next(taskId: string, index: number): Promise<{ id?: string; done?: boolean }> {
    const st = this.streams.get(taskId);
    if (this.node.cluster?.forwarding.streamNode(taskId)) return this.elsewhere(taskId, index, st, false);
    if (index > 0) this.node.objects.removeRef(streamItemId(taskId, index - 1));
    if (!st) return Promise.resolve({ done: true });
    if (index > st.consumed) {
      st.consumed = index;
      if (!st.ended) this.ack(st);
    }
    return new Promise((resolve) => {
      const check = () => {
        // The task may have been sent to another node while this consumer waited.
        if (this.node.cluster?.forwarding.streamNode(taskId)) resolve(this.elsewhere(taskId, index, st, true));
        else if (index < st.count) resolve({ id: streamItemId(taskId, index) });
        else if (st.ended) {
          this.streams.delete(taskId);
          resolve({ done: true });
        } else st.waiters.push(check);
      };
      check();
    });
  }

  /** A streaming task went to another node: consumers waiting here ask that node instead. */
  onForwarded(taskId: string): void {
    const st = this.streams.get(taskId);
    if (st) for (const w of st.waiters.splice(0)) w();
  }

  /** A streaming task ended (normally or not): wake its consumer. */
  onEnd(rec: TaskRecord): void {
    const st = this.streams.get(rec.spec.taskId);
    if (!st) return;
    st.count = Math.max(st.count, rec.yielded);
    st.ended = true;
    for (const w of st.waiters.splice(0)) w();
  }

  /** Tells the worker running a stream with backpressure how many items its consumer has. */
  private ack(st: StreamState): void {
    const rec = st.rec;
    if (rec?.spec.genBackpressure) rec.worker?.conn?.send({ t: 'genAck', taskId: rec.spec.taskId, consumed: st.consumed });
  }

  private async elsewhere(taskId: string, index: number, st: StreamState | undefined, releasedPrevious: boolean): Promise<{ id?: string; done?: boolean }> {
    const r = await this.node.cluster!.streamNext(taskId, index, st?.rec?.spec.name ?? taskId, releasedPrevious);
    if (r.done) this.streams.delete(taskId);
    return r;
  }
}
