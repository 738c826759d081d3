/**
 * Serves the node's socket: each connection says hello (a worker with its id, or a
 * driver/CLI), then its messages are routed to the node. A peer's references and
 * segment pins are dropped when it disconnects, so a crashed process leaks nothing.
 */
import type { Socket } from 'node:net';
import { Connection, PROTOCOL_VERSION } from '../transport/connection.js';
import type { ActorSpec, TaskSpec, WireObject } from '../transport/protocol.js';
import { errorObject } from './task-record.js';
import { hostId, tokenMatches } from '../transport/auth.js';
import type { NodeManager } from './node-manager.js';
import type { WorkerHandle } from './worker-pool.js';
import { servePull } from '../cluster/object-pull.js';
import { LogRelay, nodeLogRelayHost } from '../cluster/log-relay.js';
import type { LogLine } from '../state/worker-logs.js';

interface Peer {
  id: string;
  /** What the other end said it is: worker, driver, cli, or node (another node, or this node's own link to its head service). */
  kind: string;
  conn: Connection;
  worker?: WorkerHandle;
  refs: Map<string, number>;
  /** On this machine (shares /dev/shm); else values travel inline. */
  colocated: boolean;
  /** Stops streaming worker output to this peer (drivers). */
  unsubscribeLogs?: () => void;
}

type Msg = Record<string, any> & { t: string };

/** Routes socket messages to a {@link NodeManager}. */
export class NodeMessageRouter {
  private readonly peers = new Set<Peer>();
  private readonly byWorker = new Map<string, Peer>();
  /** Worker output for the drivers attached here, from this node and (in a cluster) the others. */
  private readonly logs: LogRelay;

  constructor(private readonly node: NodeManager) {
    this.logs = new LogRelay(nodeLogRelayHost(node));
  }

  /** Handles a new connection. */
  accept(socket: Socket): void {
    let peer: Peer | undefined;
    const conn = new Connection(socket, (msg) => {
      if (!peer) {
        peer = this.hello(conn, msg as Msg);
        return;
      }
      this.route(peer, msg as Msg);
    }, 'node');
    conn.onClose(() => {
      if (peer) this.drop(peer);
    });
  }

  /** Forgets a dead worker's peer. */
  dropWorker(w: WorkerHandle): void {
    const p = this.byWorker.get(w.id);
    if (p) {
      p.conn.close();
      this.drop(p);
    }
  }

  /** Closes every connection. */
  closeAll(): void {
    this.logs.close();
    for (const p of this.peers) p.conn.close();
  }

  private hello(conn: Connection, msg: Msg): Peer | undefined {
    if (msg.t !== 'hello' || msg.version !== PROTOCOL_VERSION) {
      console.error(`[ray-ts] node: refused a connection (expected hello with protocol ${PROTOCOL_VERSION}, got '${msg.t}' v${msg.version})`);
      conn.close();
      return undefined;
    }
    const token = this.node.options.token;
    if (token !== undefined && !tokenMatches(token, msg.token)) {
      console.error(`[ray-ts] node: refused a ${String(msg.kind)} connection from ${conn.socket.remoteAddress ?? 'a local socket'}: wrong or missing cluster token`);
      conn.send({ t: 'refused', reason: 'wrong or missing cluster token' });
      setImmediate(() => conn.close());
      return undefined;
    }
    if (msg.kind === 'pull') {
      servePull(conn.socket, String(msg.id), this.node.objects, this.node.segments);
      return undefined;
    }
    const peer: Peer = { id: String(msg.id), kind: String(msg.kind), conn, refs: new Map(), colocated: msg.hostId === hostId() };
    if (msg.kind === 'worker') {
      const w = this.node.pool.attach(String(msg.id), conn);
      if (!w) {
        conn.close();
        return undefined;
      }
      peer.worker = w;
      this.byWorker.set(w.id, peer);
    }
    this.peers.add(peer);
    if (msg.kind === 'driver' && msg.logs !== false) {
      const send = (lines: LogLine[]) => peer.conn.send(lines.length === 1 ? { t: 'log', ...lines[0] } : { t: 'logs', lines });
      peer.unsubscribeLogs = this.logs.attachDriver(typeof msg.jobId === 'string' && msg.jobId ? msg.jobId : undefined, send);
    }
    conn.send({ t: 'welcome', nodeId: this.node.nodeId, sessionDir: this.node.sessionDir, hostId: hostId(), namespace: this.node.options.namespace });
    return peer;
  }

  private drop(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    peer.unsubscribeLogs?.();
    if (peer.worker) this.byWorker.delete(peer.worker.id);
    for (const [id, n] of peer.refs) this.node.removeRef(id, n);
    peer.refs.clear();
    this.node.segments.dropHolder(peer.id);
    if (peer.kind === 'node') this.node.gcs?.onPeerClosed(peer.id);
  }

  /** Messages only other nodes send: forwarded work, watches, and requests to the head service. */
  private routeCluster(peer: Peer, m: Msg): boolean {
    const node = this.node;
    const cluster = node.cluster;
    if (m.t.startsWith('gcs.')) {
      const gcs = node.gcs;
      if (!gcs && peer.kind !== 'node') {
        // A driver or worker here: its requests to the head service go through this node (to
        // the head over the link, or to the embedded runtime's own placement groups).
        const { req, ...rest } = m;
        node.headRequest(rest as Msg & { t: string }).then(
          (r) => req && peer.conn.send({ ...r, t: 'r', req }),
          (err: Error) => req && peer.conn.send({ t: 'r', req, error: err.message }),
        );
        return true;
      }
      if (!gcs) {
        if (m.req) peer.conn.send({ t: 'r', req: m.req, error: 'this node is not the head' });
        return true;
      }
      const gp = { id: peer.id, send: (x: Msg) => peer.conn.send(x) };
      gcs.handle(gp, m).then(
        (res) => {
          if (m.req) peer.conn.send({ t: 'r', req: m.req, ...(res ?? {}) });
        },
        (err: Error) => {
          console.error(`[ray-ts] head: '${m.t}' failed`, err);
          if (m.req) peer.conn.send({ t: 'r', req: m.req, error: err.message });
        },
      );
      return true;
    }
    if (peer.kind !== 'node' || !cluster) return false;
    switch (m.t) {
      case 'fwdTask':
        cluster.links.borrow((m.spec as TaskSpec).argRefs, m.from);
        node.submitTask(m.spec as TaskSpec);
        return true;
      case 'fwdActorTask':
        cluster.links.borrow((m.spec as TaskSpec).argRefs, m.from);
        node.submitActorTask(m.spec as TaskSpec);
        return true;
      case 'fwdCreateActor':
        cluster.links.borrow((m.spec as ActorSpec).argRefs, m.from);
        node.createActor(m.spec as ActorSpec, false);
        return true;
      case 'watch':
        cluster.links.answerWatch(m.ids as string[], (x) => peer.conn.send(x));
        return true;
      case 'logSub':
        this.logs.onSubscribe(peer.id, String(m.jobId));
        return true;
      case 'logUnsub':
        this.logs.onUnsubscribe(peer.id, String(m.jobId));
        return true;
      case 'logBatch':
        this.logs.onBatch(m.lines as LogLine[]);
        return true;
      default:
        return false;
    }
  }

  private route(peer: Peer, m: Msg): void {
    const node = this.node;
    switch (m.t) {
      case 'refs':
        for (const id of m.add as string[]) {
          peer.refs.set(id, (peer.refs.get(id) ?? 0) + 1);
          node.addRef(id);
        }
        for (const id of m.remove as string[]) {
          const n = peer.refs.get(id);
          if (!n) continue;
          if (n === 1) peer.refs.delete(id);
          else peer.refs.set(id, n - 1);
          node.removeRef(id);
        }
        return;
      case 'pins':
        for (const s of m.add as string[]) node.segments.pin(s, peer.id);
        for (const s of m.remove as string[]) node.segments.unpin(s, peer.id);
        return;
      case 'submit':
        node.submitTask(m.spec as TaskSpec);
        return;
      case 'actorTask':
        node.submitActorTask(m.spec as TaskSpec);
        return;
      case 'createActor':
        node.createActor(m.spec as ActorSpec, false);
        return;
      case 'put':
        node.put(m.id, m.obj as WireObject, m.contained ?? []);
        return;
      case 'done': {
        const w = peer.worker;
        if (!w) return;
        const args = [m.taskId, m.returns, m.contained, m.error, m.errorName, m.us ?? 0] as const;
        for (const r of (m.returns ?? []) as WireObject[]) if (r?.s) node.segments.adopt(r.s, r.n);
        node.taskEvents.done(m.taskId, { workerId: w.id, pid: w.pid, startMs: m.startMs, us: m.us, errorName: m.errorName });
        if (w.ownerKind === 'actor') node.actors.onDone(w, args[0], args[1], args[2], args[3]);
        else node.scheduler.onDone(w, ...args);
        return;
      }
      case 'wantSegments':
        peer.conn.send({ t: 'grant', segs: node.segments.grant(m.size as number, peer.id, 2) });
        return;
      case 'unqueue':
        if (peer.worker) node.scheduler.unqueue(peer.worker, m.taskIds as string[]);
        return;
      case 'yield':
        node.onYield(m.taskId, m.index, m.obj as WireObject, m.contained ?? []);
        return;
      case 'actorReady':
        if (peer.worker) node.actors.onReady(peer.worker, m.actorId, m.error as WireObject | undefined);
        return;
      case 'get':
        node.get(m.ids, m.timeoutMs ?? undefined, m.blocking ? peer.worker : undefined).then(
          (objs) => peer.conn.send({ t: 'r', req: m.req, objs: peer.colocated ? objs : objs.map((o) => node.inlined(o)) }),
          (err: Error) => peer.conn.send({ t: 'r', req: m.req, err: errorObject(err) }),
        );
        return;
      case 'wait':
        node.wait(m.ids, m.numReturns, m.timeoutMs ?? undefined, m.blocking ? peer.worker : undefined, m.fetchLocal !== false).then((ready) =>
          peer.conn.send({ t: 'r', req: m.req, ready }),
        );
        return;
      case 'genNext':
        node.genNext(m.taskId, m.index).then((res) => peer.conn.send({ t: 'r', req: m.req, ...res }));
        return;
      case 'cancel':
        node.cancel(m.id, !!m.force, !!m.recursive);
        return;
      case 'kill':
        node.kill(m.actorId, m.noRestart !== false);
        return;
      case 'getActor':
        node.getActor(m.namespace, m.name).then(
          (actor) => peer.conn.send({ t: 'r', req: m.req, actor: actor ?? null }),
          () => peer.conn.send({ t: 'r', req: m.req, actor: null }),
        );
        return;
      case 'resources':
        peer.conn.send({ t: 'r', req: m.req, ...node.clusterResourceReport() });
        return;
      case 'status':
        peer.conn.send({ t: 'r', req: m.req, status: node.status() });
        return;
      case 'free':
        node.free(m.ids);
        return;
      case 'metrics':
        node.metrics.apply(m.defs ?? [], m.ops ?? []);
        return;
      default:
        if (m.t.startsWith('state.')) {
          node.state.handle(m).then(
            (r) => m.req && peer.conn.send({ ...r, t: 'r', req: m.req }),
            (err: Error) => m.req && peer.conn.send({ t: 'r', req: m.req, error: err.message, errorName: err.name }),
          );
          return;
        }
        if (this.routeCluster(peer, m)) return;
        console.error(`[ray-ts] node: unknown message type '${m.t}' from ${peer.id}; closing`);
        peer.conn.close();
    }
  }
}
