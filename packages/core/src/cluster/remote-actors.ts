/**
 * Actors that live on other nodes, seen from this node: where each is (from the head's
 * actor table), calls sent there in order, handle counts forwarded there, and what
 * happens to calls when the actor's node dies (re-sent after its restart per
 * maxTaskRetries, or failed with RayActorError).
 */
import type { ActorSpec, TaskSpec } from '../transport/protocol.js';
import { RayActorError } from '../errors.js';
import { ACTOR_HANDLE_PREFIX } from '../ids.js';
import { failRecord, newTaskRecord, type TaskRecord } from '../node/task-record.js';
import type { ActorEntry } from '../gcs/gcs-types.js';
import type { NodeManager } from '../node/node-manager.js';
import type { TaskForwarding } from './task-forwarding.js';
import type { Msg } from './rpc-link.js';

interface RemoteActor {
  entry?: ActorEntry;
  /** Calls waiting for the actor's location (or its restart). */
  queue: TaskRecord[];
  /** Handles held by this node's processes. */
  handles: number;
  /** Node where this node holds one handle ref for them, if any. */
  heldAt?: string;
  lookingUp?: boolean;
}

/** What the router needs from the cluster agent. */
export interface RemoteActorHost {
  readonly node: NodeManager;
  readonly forwarding: TaskForwarding;
  sendTo(nodeId: string, msg: Msg): boolean;
  isAlive(nodeId: string): boolean;
  gcsRequest(msg: Msg): Promise<Msg>;
}

/** Routes calls and handle counts to actors on other nodes. */
export class RemoteActors {
  private readonly actors = new Map<string, RemoteActor>();
  /** Actor ids that stand for another actor (getIfExists on a taken name). */
  readonly aliases = new Map<string, string>();

  constructor(private readonly host: RemoteActorHost) {}

  private get(actorId: string): RemoteActor {
    const id = this.aliases.get(actorId) ?? actorId;
    let a = this.actors.get(id);
    if (!a) {
      a = { queue: [], handles: 0 };
      this.actors.set(id, a);
    }
    return a;
  }

  /** Knows `actorId` runs on node `nodeId` (this node just placed it there). */
  placed(spec: ActorSpec, nodeId: string, handles: number): void {
    const a = this.get(spec.actorId);
    a.entry = {
      actorId: spec.actorId, nodeId, name: spec.name, namespace: spec.namespace, state: 'PENDING', spec,
      restartsLeft: spec.maxRestarts, numRestarts: 0,
    };
    this.handleRefs(spec.actorId, handles);
  }

  /** Takes the handle count kept for an actor that turns out to be created on this node. */
  takeHandles(actorId: string): number {
    const a = this.actors.get(actorId);
    if (!a || a.entry) return 0;
    const n = a.handles;
    this.actors.delete(actorId);
    return n;
  }

  /** Submits a call to an actor that is not on this node. */
  submit(spec: TaskSpec): TaskRecord {
    const rec = newTaskRecord(spec);
    for (const id of spec.argRefs) this.host.node.objects.addRef(id);
    const a = this.get(spec.actorId!);
    a.queue.push(rec);
    this.flush(spec.actorId!, a);
    return rec;
  }

  /** Counts this node's handles to a remote actor; the actor's node holds one ref for all of them. */
  handleRefs(actorId: string, delta: number): void {
    const a = this.get(actorId);
    a.handles += delta;
    this.syncHandle(actorId, a);
  }

  /** The head's actor table changed. */
  onActorEntry(entry: ActorEntry): void {
    const a = this.actors.get(entry.actorId);
    if (!a) return;
    // A pending entry may be older than where this node placed the actor: keep what it knows.
    if (entry.state === 'PENDING' && a.entry) return;
    a.entry = entry;
    this.syncHandle(entry.actorId, a);
    this.flush(entry.actorId, a);
  }

  /** A node died: calls in flight there are re-queued (if the actor may retry them) or failed. */
  onNodeDead(dead: string, retried: Set<string>): void {
    for (const rec of this.host.forwarding.takeActorCalls(dead)) {
      const a = this.get(rec.spec.actorId!);
      const retries = a.entry?.spec.maxTaskRetries ?? 0;
      if (a.entry && a.entry.restartsLeft !== 0 && (retries === -1 || rec.attempt < retries)) {
        rec.attempt++;
        rec.state = 'queued';
        retried.add(rec.spec.taskId);
        for (let i = 0; i < Math.max(1, rec.spec.numReturns); i++) this.host.node.objects.resetToPending(`${rec.spec.taskId}.${i}`);
        a.queue.unshift(rec);
      } else {
        failRecord(this.host.node, rec, new RayActorError(rec.spec.actorId!, `its node ${dead} died while it ran ${rec.spec.name}`, a.entry?.name));
      }
    }
    for (const [id, a] of this.actors) {
      if (a.heldAt === dead) a.heldAt = undefined;
      if (a.entry?.nodeId === dead && a.entry.state !== 'DEAD') a.entry = { ...a.entry, state: 'RESTARTING' };
      this.flush(id, a);
    }
  }

  /** Kills a remote actor (forwarded to its node). */
  kill(actorId: string, noRestart: boolean): void {
    const a = this.get(actorId);
    if (a.entry && this.host.isAlive(a.entry.nodeId)) this.host.sendTo(a.entry.nodeId, { t: 'kill', actorId: a.entry.actorId, noRestart });
  }

  private syncHandle(actorId: string, a: RemoteActor): void {
    const self = this.host.node.nodeId;
    const want = a.handles > 0 && a.entry && a.entry.state !== 'DEAD' && a.entry.nodeId !== self && this.host.isAlive(a.entry.nodeId) ? a.entry.nodeId : undefined;
    if (want === a.heldAt) return;
    const ref = `${ACTOR_HANDLE_PREFIX}${a.entry?.actorId ?? actorId}`;
    if (a.heldAt && this.host.isAlive(a.heldAt)) this.host.sendTo(a.heldAt, { t: 'refs', add: [], remove: [ref] });
    if (want) this.host.sendTo(want, { t: 'refs', add: [ref], remove: [] });
    a.heldAt = want;
  }

  private flush(actorId: string, a: RemoteActor): void {
    if (!a.queue.length) return;
    const e = a.entry;
    if (!e) return void this.lookup(actorId, a);
    if (e.state === 'DEAD') {
      for (const rec of a.queue.splice(0)) failRecord(this.host.node, rec, new RayActorError(e.actorId, e.deathReason ?? 'it died', e.name));
      return;
    }
    if (e.state === 'RESTARTING' && !this.host.isAlive(e.nodeId)) return;
    if (e.nodeId === this.host.node.nodeId && this.host.node.actors.has(e.actorId)) {
      for (const rec of a.queue.splice(0)) {
        for (const id of rec.spec.argRefs) this.host.node.objects.removeRef(id);
        this.host.node.submitActorTask({ ...rec.spec, actorId: e.actorId });
      }
      return;
    }
    if (!this.host.isAlive(e.nodeId)) return;
    while (a.queue.length) {
      const rec = a.queue[0]!;
      rec.spec = { ...rec.spec, actorId: e.actorId };
      if (!this.host.forwarding.send(rec, e.nodeId, 'actorTask')) return;
      a.queue.shift();
    }
  }

  private lookup(actorId: string, a: RemoteActor): void {
    if (a.lookingUp) return;
    a.lookingUp = true;
    this.host.gcsRequest({ t: 'gcs.actorGet', actorId: this.aliases.get(actorId) ?? actorId }).then(
      (r) => {
        a.lookingUp = false;
        const entry = r.actor as ActorEntry | null;
        if (!entry) {
          for (const rec of a.queue.splice(0)) failRecord(this.host.node, rec, new RayActorError(actorId, 'no such actor in this cluster'));
          return;
        }
        this.onActorEntry(entry);
        if (!a.entry) {
          a.entry = entry;
          this.syncHandle(actorId, a);
          this.flush(actorId, a);
        }
      },
      (err: Error) => {
        a.lookingUp = false;
        for (const rec of a.queue.splice(0)) failRecord(this.host.node, rec, new RayActorError(actorId, `its location could not be looked up: ${err.message}`));
      },
    );
  }
}
