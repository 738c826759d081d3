/**
 * Objects that cross nodes, seen from one node: values it borrows from other nodes
 * (task returns made elsewhere, arguments of tasks sent here, refs nested in those),
 * the watches that tell it when they are made, the pulls that bring their bytes here,
 * and the lineage (the task specs) that rebuilds values lost with a node.
 */
import type { TaskSpec, WireObject } from '../transport/protocol.js';
import { ObjectLostError } from '../errors.js';
import { errorObject } from '../node/task-record.js';
import type { RemoteLocation } from '../node/object-directory.js';
import type { NodeManager } from '../node/node-manager.js';
import { pullObject } from './object-pull.js';
import type { Msg } from './rpc-link.js';

/** What the object links need from the cluster agent. */
export interface LinkHost {
  readonly node: NodeManager;
  readonly token?: string;
  /** Sends a message to another node (false when it is unknown or dead). */
  sendTo(nodeId: string, msg: Msg): boolean;
  addressOf(nodeId: string): string | undefined;
  isAlive(nodeId: string): boolean;
}

/** A task whose values this node owns, kept to re-run it when its values are lost. */
interface Lineage {
  spec: TaskSpec;
  live: Set<string>;
}

/** Borrowing, watching, pulling and rebuilding of objects for one node. */
export class ObjectLinks {
  /** Object id -> node this node borrowed it from (holds a ref there). */
  private readonly borrowedFrom = new Map<string, string>();
  private readonly lineage = new Map<string, Lineage>();
  /** Return ids this node waits for, by the node making them. */
  private readonly watching = new Map<string, string>();

  constructor(private readonly host: LinkHost) {
    const { objects } = host.node;
    objects.onPullNeeded = (id, loc) => void this.pull(id, loc);
    objects.onFreed = (id) => this.onFreed(id);
  }

  /**
   * Borrows `ids` (unknown here) from node `from`: a ref is held there, and a watch
   * tells this node when each is made. Ids this node already knows are left alone.
   */
  borrow(ids: string[], from: string): void {
    const { objects } = this.host.node;
    const fresh = ids.filter((id) => !objects.has(id) && !this.borrowedFrom.has(id));
    if (!fresh.length) return;
    for (const id of fresh) this.borrowedFrom.set(id, from);
    this.host.sendTo(from, { t: 'refs', add: fresh, remove: [] });
    this.watch(fresh, from);
  }

  /** Asks node `from` to say when `ids` are made (it holds refs to them for this node). */
  watch(ids: string[], from: string): void {
    for (const id of ids) this.watching.set(id, from);
    this.host.sendTo(from, { t: 'watch', ids });
  }

  /** Marks `ids` as borrowed from `from` (the refs there were taken by the caller). */
  noteBorrowed(ids: string[], from: string): void {
    for (const id of ids) this.borrowedFrom.set(id, from);
  }

  /** Keeps a finished task's spec (and its arguments alive) while its values live elsewhere. */
  keepLineage(spec: TaskSpec, returnIds: string[]): void {
    const { objects } = this.host.node;
    const live = new Set(returnIds.filter((id) => objects.has(id)));
    if (!live.size || this.lineage.has(spec.taskId)) return;
    for (const id of spec.argRefs) objects.addRef(id);
    this.lineage.set(spec.taskId, { spec, live });
  }

  /** A node answered a watch: the object is made (inline value, or where it lives), or gone. */
  onMade(from: string, m: Msg): void {
    const { objects } = this.host.node;
    const id = m.id as string;
    this.watching.delete(id);
    if (m.missing) {
      this.fail(id, new ObjectLostError(id, m.missing === 'freed' ? `node ${from} freed it before this node got it` : `node ${from} does not know it`));
      return;
    }
    const contained = (m.contained as string[] | undefined) ?? [];
    const unknown = contained.filter((c) => !objects.has(c));
    // Refs nested in the value are borrowed from the node that sent it. Take them before
    // letting go of the value there (same link, in order): the value is what keeps them alive.
    if (unknown.length) {
      this.noteBorrowed(unknown, from);
      this.host.sendTo(from, { t: 'refs', add: unknown, remove: [] });
      this.watch(unknown, from);
    }
    if (m.obj) {
      objects.seal(id, m.obj as WireObject, contained);
      if (this.borrowedFrom.get(id) === from) {
        // The value is here now: the ref held there is not needed any more.
        this.borrowedFrom.delete(id);
        this.host.sendTo(from, { t: 'refs', add: [], remove: [id] });
      }
    } else {
      objects.sealRemote(id, m.loc as RemoteLocation, contained);
    }
  }

  /** Answers another node's watch for `ids` (called on the node that has or makes them). */
  answerWatch(ids: string[], reply: (m: Msg) => void): void {
    const { objects, nodeId } = this.host.node;
    for (const id of ids) {
      objects.onMade(id, () => {
        const contained = objects.containedRefs(id);
        const loc = objects.remoteOf(id);
        if (loc) return reply({ t: 'made', id, loc, contained });
        const obj = objects.peek(id);
        if (!obj) return reply({ t: 'made', id, missing: objects.has(id) ? 'unknown' : objects.missing(id) });
        if (obj.d) return reply({ t: 'made', id, obj, contained });
        reply({ t: 'made', id, loc: { at: nodeId, n: obj.n, ...(obj.e ? { e: 1 } : {}) }, contained });
      });
    }
  }

  /** Node `dead` died: rebuild what can be rebuilt, fail the rest. */
  onNodeDead(dead: string, resubmit: (spec: TaskSpec) => void, retried: Set<string>): void {
    const { objects } = this.host.node;
    const rerun = new Set<string>();
    const lost: string[] = [];
    for (const id of objects.remoteAt(dead)) {
      const taskId = id.replace(/[.~]\d+$/, '');
      const lin = this.lineage.get(taskId);
      const from = this.borrowedFrom.get(id);
      objects.resetToPending(id);
      if (lin) rerun.add(taskId);
      else if (from && from !== dead && this.host.isAlive(from)) this.watch([id], from);
      else lost.push(id);
    }
    for (const [id, from] of this.borrowedFrom) {
      if (from !== dead) continue;
      this.borrowedFrom.delete(id);
      const taskId = id.replace(/[.~]\d+$/, '');
      if (!objects.isReady(id) && !rerun.has(taskId) && !retried.has(taskId)) {
        objects.resetToPending(id);
        lost.push(id);
      }
    }
    for (const [id, from] of this.watching) if (from === dead && !lost.includes(id)) this.watching.delete(id);
    for (const id of lost) this.fail(id, new ObjectLostError(id, `node ${dead}, which held it, died, and it was put (not made by a task) or its owner is gone`));
    for (const taskId of rerun) {
      const lin = this.lineage.get(taskId)!;
      console.error(`[ray-ts] node ${this.host.node.nodeId}: rebuilding the values of ${lin.spec.name} (task ${taskId}) lost with node ${dead}`);
      resubmit(lin.spec);
    }
  }

  private fail(id: string, err: Error): void {
    const { objects } = this.host.node;
    objects.resetToPending(id);
    objects.seal(id, errorObject(err), []);
  }

  private onFreed(id: string): void {
    const from = this.borrowedFrom.get(id);
    if (from) {
      this.borrowedFrom.delete(id);
      this.host.sendTo(from, { t: 'refs', add: [], remove: [id] });
    }
    const taskId = id.replace(/[.~]\d+$/, '');
    const lin = this.lineage.get(taskId);
    if (lin) {
      lin.live.delete(id);
      if (lin.live.size === 0) {
        this.lineage.delete(taskId);
        for (const a of lin.spec.argRefs) this.host.node.objects.removeRef(a);
      }
    }
  }

  private async pull(id: string, loc: RemoteLocation): Promise<void> {
    const { node } = this.host;
    let at = loc.at;
    for (let hop = 0; hop < 4; hop++) {
      const address = this.host.addressOf(at);
      if (!address || !this.host.isAlive(at)) return; // the node-death handler rebuilds or fails it
      try {
        const res = await pullObject(address, this.host.token, id, {
          allocate: (n) => node.allocate(n),
          release: (name) => node.segments.release(name),
        });
        if ('obj' in res) {
          node.objects.completePull(id, res.obj);
          return;
        }
        at = res.moved;
      } catch (err) {
        if (!this.host.isAlive(at)) return;
        this.fail(id, err as Error);
        return;
      }
    }
    this.fail(id, new ObjectLostError(id, 'it kept moving between nodes while being pulled'));
  }
}
