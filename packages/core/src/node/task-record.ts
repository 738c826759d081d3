/**
 * A task as the node tracks it, and the helpers that finish it: storing its return
 * values or an error object in every return slot.
 */
import type { ActorSpec, TaskSpec, WireObject } from '../transport/protocol.js';
import { returnId, streamItemId } from '../ids.js';
import { serialize } from '../serialization/index.js';
import type { ObjectDirectory } from './object-directory.js';
import type { Grant, NodeResources } from './resources.js';
import type { WorkerHandle, WorkerPool } from './worker-pool.js';

/** Where a task is in its life. */
export type TaskState = 'waitingDeps' | 'queued' | 'running' | 'finished';

/** The node's record of one task or actor call. */
export interface TaskRecord {
  spec: TaskSpec;
  state: TaskState;
  /** Retries left (worker deaths and, when allowed, exceptions). */
  retriesLeft: number;
  attempt: number;
  worker?: WorkerHandle;
  cancelled?: boolean;
  forceCancelled?: boolean;
  /** Tasks submitted while this one ran. */
  children: Set<string>;
  /** Outstanding dependency waits. */
  pendingDeps: number;
  /** Resources lent out while the worker blocks in get. */
  lentOut?: boolean;
  /** Items yielded so far (streaming tasks). */
  yielded: number;
  submittedAt: number;
}

/** A fresh record for a submitted spec. */
export function newTaskRecord(spec: TaskSpec): TaskRecord {
  return {
    spec,
    state: 'waitingDeps',
    retriesLeft: spec.maxRetries,
    attempt: 0,
    children: new Set(),
    pendingDeps: 0,
    yielded: 0,
    submittedAt: Date.now(),
  };
}

/** An error as a stored object that `get` throws. */
export function errorObject(err: Error): WireObject {
  let d: Uint8Array;
  try {
    d = serialize(err);
  } catch {
    d = serialize(Object.assign(new Error(err.message), { name: err.name, stack: err.stack }));
  }
  return { d, n: d.length, e: 1 };
}

/** Stores the same object (usually an error) in every return slot of a task. */
export function sealAllReturns(objects: ObjectDirectory, rec: TaskRecord, obj: WireObject): void {
  const { spec } = rec;
  if (spec.numReturns < 0) {
    // Streaming: the error becomes the next item; the generator ends after it.
    objects.addRef(streamItemId(spec.taskId, rec.yielded));
    objects.seal(streamItemId(spec.taskId, rec.yielded), obj, []);
    rec.yielded++;
    return;
  }
  for (let i = 0; i < Math.max(1, spec.numReturns); i++) objects.seal(returnId(spec.taskId, i), obj, []);
}

/** What finishing a record needs from the node. */
export interface RecordHost {
  readonly objects: ObjectDirectory;
  /** A streaming task ended (normally or not). */
  onStreamEnd(rec: TaskRecord): void;
  /** A task ended (for the task events of the state API); `error` when the node failed it. */
  onTaskFinished?(rec: TaskRecord, error?: Error): void;
}

/** What the scheduler and the actor manager need from the node around them. */
export interface NodeHost extends RecordHost {
  readonly nodeId: string;
  readonly resources: NodeResources;
  readonly pool: WorkerPool;
  /** Something may be runnable now (lets the actor manager place pending actors). */
  onResourcesFreed(): void;
  /**
   * In a cluster: sends a task this node cannot run now (or at all, when `feasibleHere`
   * is false) to another node. True when it went; the caller forgets the record.
   */
  spill?(rec: TaskRecord, feasibleHere: boolean): boolean;
  /** In a cluster: places a task whose strategy names where it runs (node affinity, spread). True when it went elsewhere. */
  direct?(rec: TaskRecord): boolean;
  /** In a cluster: places an actor on another node (its strategy says so, or this node has no room now). True when it went. */
  placeActorElsewhere?(spec: ActorSpec, handles: number, fitsHere: boolean): boolean;
  /** Submits again a call that queued for an actor that then went to another node. */
  resubmitActorTask?(spec: TaskSpec): void;
  /** In a cluster: an actor's state changed here (the head's actor table follows it). */
  onActorState?(spec: ActorSpec, state: 'PENDING' | 'ALIVE' | 'RESTARTING' | 'DEAD', reason?: string): void;
}

/** Marks a record finished: drops the holds on its arguments and ends its stream. False if it already was. */
export function finishRecord(host: RecordHost, rec: TaskRecord, error?: Error): boolean {
  if (rec.state === 'finished') return false;
  host.onTaskFinished?.(rec, error);
  rec.state = 'finished';
  rec.worker = undefined;
  for (const id of rec.spec.argRefs) host.objects.removeRef(id);
  if (rec.spec.numReturns < 0) host.onStreamEnd(rec);
  return true;
}

/** Stores an error in every return slot and finishes the record. */
export function failRecord(host: RecordHost, rec: TaskRecord, err: Error): void {
  sealAllReturns(host.objects, rec, errorObject(err));
  finishRecord(host, rec, err);
}

/** Stores a finished task's return values (streams stored theirs as they went). */
export function sealReturns(objects: ObjectDirectory, rec: TaskRecord, returns: WireObject[] | undefined, contained: string[][] | undefined): void {
  if (rec.spec.numReturns < 0) return;
  for (let i = 0; i < Math.max(1, rec.spec.numReturns); i++) {
    objects.seal(returnId(rec.spec.taskId, i), returns![i]!, contained?.[i] ?? []);
  }
}

/** Stores what a worker reported for a finished call — its values, or its error — and finishes the record. */
export function completeRecord(
  host: RecordHost, rec: TaskRecord, returns: WireObject[] | undefined, contained: string[][] | undefined, error: WireObject | undefined,
): void {
  if (error) sealAllReturns(host.objects, rec, error);
  else sealReturns(host.objects, rec, returns, contained);
  finishRecord(host, rec);
}

/** Lease of a worker by a scheduling class: resources held while it runs tasks of the class. */
export interface Lease {
  worker: WorkerHandle;
  grant: Grant;
  classKey: string;
  inFlight: Map<string, TaskRecord>;
}
