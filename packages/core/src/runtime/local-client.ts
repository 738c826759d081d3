/**
 * {@link NodeClient} for a driver whose node runs in the same process (the embedded
 * local cluster): every call is a direct method call, with no serialization of the
 * message itself.
 */
import type { NodeManager } from '../node/node-manager.js';
import type { ActorInfo, ActorSpec, ResourceMap, StatusReport, TaskSpec, WireObject } from '../transport/protocol.js';
import type { NodeClient } from './node-client.js';

/** Direct client of an in-process node. */
export class LocalClient implements NodeClient {
  readonly peerId = 'driver';
  readonly colocated = true;
  constructor(private readonly node: NodeManager) {}

  get nodeId(): string {
    return this.node.nodeId;
  }
  headRequest(msg: Record<string, any> & { t: string }): Promise<Record<string, any>> {
    return this.node.headRequest(msg);
  }
  get sessionDir(): string {
    return this.node.sessionDir;
  }
  submitTask(spec: TaskSpec): void {
    this.node.submitTask(spec);
  }
  submitActorTask(spec: TaskSpec): void {
    this.node.submitActorTask(spec);
  }
  createActor(spec: ActorSpec): void {
    this.node.createActor(spec, true);
  }
  get(ids: string[], timeoutMs: number | undefined): Promise<WireObject[]> {
    return this.node.get(ids, timeoutMs);
  }
  wait(ids: string[], numReturns: number, timeoutMs: number | undefined, _blocking = false, fetchLocal = true): Promise<string[]> {
    return this.node.wait(ids, numReturns, timeoutMs, undefined, fetchLocal);
  }
  put(id: string, obj: WireObject, contained: string[]): void {
    this.node.put(id, obj, contained);
  }
  allocate(_objectId: string, size: number): { name: string; view: Uint8Array } {
    return this.node.allocate(size);
  }
  addRef(id: string): void {
    this.node.addRef(id);
  }
  removeRef(id: string): void {
    this.node.removeRef(id);
  }
  pin(segment: string): void {
    this.node.segments.pin(segment, this.peerId);
  }
  unpin(segment: string): void {
    this.node.segments.unpin(segment, this.peerId);
  }
  genNext(taskId: string, index: number): Promise<{ id?: string; done?: boolean }> {
    return this.node.genNext(taskId, index);
  }
  cancel(objectId: string, force: boolean, recursive: boolean): void {
    this.node.cancel(objectId, force, recursive);
  }
  kill(actorId: string, noRestart: boolean): void {
    this.node.kill(actorId, noRestart);
  }
  async getActor(namespace: string, name: string): Promise<ActorInfo | undefined> {
    return this.node.getActor(namespace, name);
  }
  async resources(): Promise<{ total: ResourceMap; available: ResourceMap }> {
    return this.node.clusterResourceReport();
  }
  async status(): Promise<StatusReport> {
    return this.node.status();
  }
  free(ids: string[]): void {
    this.node.free(ids);
  }
  close(): void {
    this.node.shutdown();
  }
}
