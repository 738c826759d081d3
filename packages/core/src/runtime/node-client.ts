/**
 * What a driver or worker runtime needs from its node manager. Two implementations:
 * {@link LocalClient} calls an in-process node directly (the embedded local cluster),
 * SocketClient talks to a node over its socket (workers, remote drivers).
 */
import type { ActorInfo, ActorSpec, ResourceMap, StatusReport, TaskSpec, WireObject } from '../transport/protocol.js';

/** The node operations a runtime uses. */
export interface NodeClient {
  /** Node this client is attached to. */
  readonly nodeId: string;
  /** Identity of this process towards the node (for pins and references). */
  readonly peerId: string;
  /** Session directory of the node. */
  readonly sessionDir: string;
  /** True when this process shares the node's machine (and /dev/shm); else every value travels inline. */
  readonly colocated: boolean;
  submitTask(spec: TaskSpec): void;
  submitActorTask(spec: TaskSpec): void;
  /** Creates an actor; in-process clients throw at once when a name is taken. */
  createActor(spec: ActorSpec): void;
  get(ids: string[], timeoutMs: number | undefined, blocking: boolean): Promise<WireObject[]>;
  /** Ids ready among `ids`; with `fetchLocal` false, an object made on another node counts as ready without being pulled here. */
  wait(ids: string[], numReturns: number, timeoutMs: number | undefined, blocking: boolean, fetchLocal?: boolean): Promise<string[]>;
  put(id: string, obj: WireObject, contained: string[]): void;
  /** A writable shared-memory view for a new large value (reused memory when possible). */
  allocate(objectId: string, size: number): { name: string; view: Uint8Array };
  addRef(id: string): void;
  removeRef(id: string): void;
  pin(segment: string): void;
  unpin(segment: string): void;
  genNext(taskId: string, index: number): Promise<{ id?: string; done?: boolean }>;
  cancel(objectId: string, force: boolean, recursive: boolean): void;
  kill(actorId: string, noRestart: boolean): void;
  getActor(namespace: string, name: string): Promise<ActorInfo | undefined>;
  resources(): Promise<{ total: ResourceMap; available: ResourceMap }>;
  status(): Promise<StatusReport>;
  free(ids: string[]): void;
  /** A request for the cluster's head service (placement groups, KV, jobs). */
  headRequest(msg: Record<string, any> & { t: string }): Promise<Record<string, any>>;
  /** Disconnects (and for an in-process node, shuts it down). */
  close(): void;
}
