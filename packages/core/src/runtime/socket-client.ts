/**
 * {@link NodeClient} over the node's socket, used by workers (and by drivers that
 * attach to a running node). Reference and pin updates are batched, and always
 * sent before any later message, so the node sees them in program order.
 */
import { connect } from 'node:net';
import shm from '@ray-ts/native';
import { Connection, PROTOCOL_VERSION } from '../transport/connection.js';
import type { ActorInfo, ActorSpec, ResourceMap, StatusReport, TaskSpec, WireObject } from '../transport/protocol.js';
import { AuthenticationError, RaySystemError } from '../errors.js';
import { hostId } from '../transport/auth.js';
import { deserialize } from '../serialization/index.js';
import type { NodeClient } from './node-client.js';

type Msg = Record<string, any> & { t: string };

/** Values at least this large ask the node for reusable segments. */
const GRANT_MIN_BYTES = 1 << 20;

/** Client of a node over its socket. */
export class SocketClient implements NodeClient {
  nodeId = '';
  sessionDir = '';
  colocated = true;
  /** Namespace the node was started with. */
  namespace = '';
  private conn!: Connection;
  private reqSeq = 0;
  private readonly pending = new Map<number, { resolve: (m: Msg) => void; reject: (e: Error) => void }>();
  private refAdds: string[] = [];
  private refRemoves: string[] = [];
  private pinAdds: string[] = [];
  private pinRemoves: string[] = [];
  private flushScheduled = false;
  private weak = false;
  /** Pooled segments the node handed over for this process's next large values. */
  private grants: Array<{ name: string; size: number }> = [];

  private constructor(readonly peerId: string, private readonly onOther: (m: Msg) => void) {}

  /**
   * Connects to a node — a Unix socket path, or `host:port` over TCP — and completes the
   * hello exchange, presenting `token` when given. Rejects with AuthenticationError when
   * the node refuses the token. `hello` adds fields to the hello (a driver's `jobId`, and
   * `logs: false` to get no worker output).
   */
  static async connect(
    address: string, peerId: string, kind: 'worker' | 'driver' | 'cli', onOther: (m: Msg) => void = () => {}, token?: string,
    hello: Record<string, unknown> = {},
  ): Promise<SocketClient> {
    const client = new SocketClient(peerId, onOther);
    const tcp = /^[^/]+:\d+$/.exec(address);
    const socket = tcp ? connect({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) }) : connect(address);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', (err) => reject(new RaySystemError(`Cannot connect to the node at ${address}: ${err.message}. Is it running (ray-ts status)?`, { cause: err })));
    });
    let settle!: { resolve: (m: Msg) => void; reject: (e: Error) => void };
    const welcomed = new Promise<Msg>((resolve, reject) => (settle = { resolve, reject }));
    client.conn = new Connection(socket, (m) => {
      if (m.t === 'welcome') settle.resolve(m as Msg);
      else if (m.t === 'refused') settle.reject(new AuthenticationError(address));
      else client.onMessage(m as Msg);
    }, kind);
    client.conn.onClose(() => {
      settle.reject(new AuthenticationError(address));
      for (const p of client.pending.values()) p.reject(new RaySystemError('The connection to the node closed.'));
      client.pending.clear();
    });
    client.conn.send({ ...hello, t: 'hello', version: PROTOCOL_VERSION, kind, id: peerId, token, hostId: hostId() });
    const w = await welcomed;
    client.nodeId = w.nodeId;
    client.sessionDir = w.sessionDir;
    client.colocated = w.hostId === hostId();
    client.namespace = w.namespace;
    return client;
  }

  /** The underlying connection (workers send their own messages on it). */
  get connection(): Connection {
    return this.conn;
  }

  /** Sends a message after any batched reference updates. */
  send(msg: Msg): void {
    this.flushRefs();
    this.conn.send(msg);
  }

  submitTask(spec: TaskSpec): void {
    this.send({ t: 'submit', spec });
  }
  submitActorTask(spec: TaskSpec): void {
    this.send({ t: 'actorTask', spec });
  }
  createActor(spec: ActorSpec): void {
    this.send({ t: 'createActor', spec });
  }
  async get(ids: string[], timeoutMs: number | undefined, blocking: boolean): Promise<WireObject[]> {
    const r = await this.request({ t: 'get', ids, timeoutMs: timeoutMs ?? null, blocking });
    if (r.err) throw deserialize((r.err as WireObject).d!) as Error;
    return r.objs as WireObject[];
  }
  async wait(ids: string[], numReturns: number, timeoutMs: number | undefined, blocking: boolean, fetchLocal = true): Promise<string[]> {
    const r = await this.request({ t: 'wait', ids, numReturns, timeoutMs: timeoutMs ?? null, blocking, ...(fetchLocal ? {} : { fetchLocal: false }) });
    return r.ready as string[];
  }
  put(id: string, obj: WireObject, contained: string[]): void {
    this.send({ t: 'put', id, obj, contained });
  }
  allocate(objectId: string, size: number): { name: string; view: Uint8Array } {
    let best = -1;
    for (let i = 0; i < this.grants.length; i++) {
      const g = this.grants[i]!;
      if (g.size >= size && g.size <= size * 2 + 65536 && (best < 0 || g.size < this.grants[best]!.size)) best = i;
    }
    if (best >= 0) {
      const g = this.grants.splice(best, 1)[0]!;
      // Ask for the next reusable segments before running out, not after a miss: otherwise
      // every third value of a steady stream misses and the pool grows by one segment each time.
      if (!this.grants.some((x) => x.size >= size && x.size <= size * 2 + 65536)) this.send({ t: 'wantSegments', size });
      return { name: g.name, view: new Uint8Array(shm.openSegment(g.name, true), 0, size) };
    }
    // Fresh shared memory is slow to fault in: ask the node for reusable segments of this size.
    if (size >= GRANT_MIN_BYTES) this.send({ t: 'wantSegments', size });
    const name = `rts-${this.nodeId}-${objectId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    return { name, view: new Uint8Array(shm.createSegment(name, size, false)) };
  }
  addRef(id: string): void {
    this.refAdds.push(id);
    this.scheduleFlush();
  }
  removeRef(id: string): void {
    this.refRemoves.push(id);
    this.scheduleFlush();
  }
  pin(segment: string): void {
    this.pinAdds.push(segment);
    this.scheduleFlush();
  }
  unpin(segment: string): void {
    this.pinRemoves.push(segment);
    this.scheduleFlush();
  }
  async genNext(taskId: string, index: number): Promise<{ id?: string; done?: boolean }> {
    const r = await this.request({ t: 'genNext', taskId, index });
    return { id: r.id as string | undefined, done: r.done as boolean | undefined };
  }
  cancel(objectId: string, force: boolean, recursive: boolean): void {
    this.send({ t: 'cancel', id: objectId, force, recursive });
  }
  kill(actorId: string, noRestart: boolean): void {
    this.send({ t: 'kill', actorId, noRestart });
  }
  async getActor(namespace: string, name: string): Promise<ActorInfo | undefined> {
    const r = await this.request({ t: 'getActor', namespace, name });
    return (r.actor as ActorInfo | null) ?? undefined;
  }
  async resources(): Promise<{ total: ResourceMap; available: ResourceMap }> {
    const r = await this.request({ t: 'resources' });
    return { total: r.total as ResourceMap, available: r.available as ResourceMap };
  }
  async status(): Promise<StatusReport> {
    const r = await this.request({ t: 'status' });
    return r.status as StatusReport;
  }
  free(ids: string[]): void {
    this.send({ t: 'free', ids });
  }
  close(): void {
    this.flushRefs();
    this.conn.close();
  }

  /** With false, the connection keeps the process alive only while a request waits for its answer. */
  setRef(ref: boolean): void {
    this.weak = !ref;
    this.updateRef();
  }

  private updateRef(): void {
    if (!this.weak || this.pending.size > 0) this.conn.socket.ref();
    else this.conn.socket.unref();
  }

  headRequest(msg: Msg): Promise<Msg> {
    return this.request(msg);
  }

  /** Sends a request and resolves with its answer (for requests the node passes to the head service). */
  request(msg: Msg): Promise<Msg> {
    const req = ++this.reqSeq;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      if (this.weak && this.pending.size === 1) this.updateRef();
      this.send({ ...msg, req });
    });
  }

  private onMessage(m: Msg): void {
    if (m.t === 'grant') {
      this.grants.push(...(m.segs as Array<{ name: string; size: number }>));
      return;
    }
    if (m.t === 'r') {
      const p = this.pending.get(m.req as number);
      if (p) {
        this.pending.delete(m.req as number);
        if (this.weak && this.pending.size === 0) this.updateRef();
        p.resolve(m);
      }
      return;
    }
    this.onOther(m);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flushRefs());
  }

  private flushRefs(): void {
    this.flushScheduled = false;
    if (this.refAdds.length || this.refRemoves.length) {
      this.conn.send({ t: 'refs', add: this.refAdds, remove: this.refRemoves });
      this.refAdds = [];
      this.refRemoves = [];
    }
    if (this.pinAdds.length || this.pinRemoves.length) {
      this.conn.send({ t: 'pins', add: this.pinAdds, remove: this.pinRemoves });
      this.pinAdds = [];
      this.pinRemoves = [];
    }
  }
}
