/**
 * An outgoing connection from a node to another node or to the head: hello with the
 * cluster token, then requests (answered by `{ t: 'r', req }`) and one-way messages
 * both ways. Used for node-to-node forwarding and for the head service.
 */
import { connect } from 'node:net';
import { Connection, PROTOCOL_VERSION } from '../transport/connection.js';
import { AuthenticationError, RaySystemError } from '../errors.js';
import { hostId } from '../transport/auth.js';

/** A message: a type and fields. */
export type Msg = Record<string, any> & { t: string };

/** Splits `host:port`. */
export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** A request/response link over one {@link Connection}. */
export class RpcLink {
  private conn!: Connection;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (m: Msg) => void; reject: (e: Error) => void }>();
  private closeFns: Array<() => void> = [];
  /** The welcome message of the other end. */
  welcome: Msg = { t: 'welcome' };

  private constructor(readonly address: string, private readonly onPush: (m: Msg) => void) {}

  /** Connects and says hello as `kind` with id `id`; rejects with AuthenticationError when refused. */
  static async connect(address: string, kind: string, id: string, token: string | undefined, onPush: (m: Msg) => void, timeoutMs = 10_000): Promise<RpcLink> {
    const link = new RpcLink(address, onPush);
    const socket = connect(splitAddress(address));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RaySystemError(`Timed out connecting to ${address}.`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new RaySystemError(`Cannot connect to ${address}: ${err.message}`, { cause: err }));
      });
    });
    let settle!: { resolve: (m: Msg) => void; reject: (e: Error) => void };
    const welcomed = new Promise<Msg>((resolve, reject) => (settle = { resolve, reject }));
    link.conn = new Connection(socket, (m) => link.onMessage(m as Msg, settle), `${kind} link to ${address}`);
    link.conn.onClose(() => {
      settle.reject(new AuthenticationError(address));
      for (const p of link.pending.values()) p.reject(new RaySystemError(`The connection to ${address} closed.`));
      link.pending.clear();
      for (const fn of link.closeFns.splice(0)) fn();
    });
    link.conn.send({ t: 'hello', version: PROTOCOL_VERSION, kind, id, token, hostId: hostId() });
    link.welcome = await welcomed;
    return link;
  }

  /** True once the connection closed. */
  get closed(): boolean {
    return this.conn.isClosed;
  }

  /** Sends a one-way message. */
  send(msg: Msg): void {
    this.conn.send(msg);
  }

  /** Sends a request and resolves with its answer. */
  request(msg: Msg, timeoutMs?: number): Promise<Msg> {
    const req = ++this.seq;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.pending.delete(req);
          reject(new RaySystemError(`No answer from ${this.address} to '${msg.t}' within ${timeoutMs} ms.`));
        }, timeoutMs);
      }
      this.pending.set(req, {
        resolve: (m) => {
          if (timer) clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          if (timer) clearTimeout(timer);
          reject(e);
        },
      });
      if (this.conn.isClosed) {
        this.pending.delete(req);
        reject(new RaySystemError(`The connection to ${this.address} is closed.`));
        return;
      }
      this.conn.send({ ...msg, req });
    });
  }

  /** Calls `fn` when the link closes. */
  onClose(fn: () => void): void {
    if (this.conn.isClosed) fn();
    else this.closeFns.push(fn);
  }

  /** Lets the process exit while only this link is open. */
  unref(): void {
    this.conn.socket.unref();
  }

  /** Closes the link. */
  close(): void {
    this.conn.close();
  }

  private onMessage(m: Msg, settle: { resolve: (m: Msg) => void; reject: (e: Error) => void }): void {
    if (m.t === 'welcome') return settle.resolve(m);
    if (m.t === 'refused') return settle.reject(new AuthenticationError(this.address));
    if (m.t === 'r') {
      const p = this.pending.get(m.req as number);
      if (p) {
        this.pending.delete(m.req as number);
        p.resolve(m);
      }
      return;
    }
    this.onPush(m);
  }
}
