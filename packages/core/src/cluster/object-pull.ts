/**
 * Moving an object's value between nodes. The node that wants a value opens a
 * connection to the node that holds it and says hello as `pull` with the object id
 * and the cluster token; the holder answers with one header frame and then the raw
 * bytes, written straight from its shared memory. The puller reads them straight into
 * a shared-memory segment of its own (the socket's `onread` buffer is the segment),
 * so a value crosses with no copy in JavaScript on either side, on a connection of its
 * own that never delays task messages.
 */
import { connect, type Socket } from 'node:net';
import shm from '@ray-ts/native';
import { frame, PROTOCOL_VERSION, unframe } from '../transport/connection.js';
import { hostId } from '../transport/auth.js';
import { AuthenticationError, ObjectFreedError, ObjectLostError, RaySystemError } from '../errors.js';
import type { WireObject } from '../transport/protocol.js';
import type { ObjectDirectory } from '../node/object-directory.js';
import type { SegmentStore } from '../node/segment-store.js';
import { splitAddress } from './rpc-link.js';

/** Header the holder sends before the bytes. */
interface PullHeader {
  t: 'obj';
  n?: number;
  e?: 1;
  /** The holder does not have it: freed, unknown, or held elsewhere. */
  missing?: 'freed' | 'unknown';
  moved?: string;
  err?: string;
}

let pullSeq = 0;

/** Serves one pull on an accepted socket (after its hello was checked). */
export function servePull(socket: Socket, id: string, objects: ObjectDirectory, segments: SegmentStore): void {
  const reply = (h: PullHeader, body?: Uint8Array, done?: () => void) => {
    socket.write(frame(h as unknown as { t: string }));
    if (body) socket.write(body, () => done?.());
    socket.end();
  };
  const loc = objects.remoteOf(id);
  if (loc) return reply({ t: 'obj', moved: loc.at });
  const send = () => {
    let obj: WireObject | undefined;
    try {
      obj = objects.read(id);
    } catch (err) {
      return reply({ t: 'obj', err: (err as Error).message });
    }
    if (!obj) return reply({ t: 'obj', missing: objects.missing(id) });
    if (obj.d) return reply({ t: 'obj', n: obj.n, ...(obj.e ? { e: 1 as const } : {}) }, obj.d);
    const holder = `pull${++pullSeq}`;
    segments.pin(obj.s!, holder);
    let view: Uint8Array;
    try {
      view = new Uint8Array(shm.openSegment(obj.s!, false), 0, obj.n);
    } catch (err) {
      segments.unpin(obj.s!, holder);
      return reply({ t: 'obj', err: (err as Error).message });
    }
    const release = () => segments.unpin(obj!.s!, holder);
    socket.once('close', release);
    reply({ t: 'obj', n: obj.n, ...(obj.e ? { e: 1 as const } : {}) }, view, release);
  };
  if (objects.isMade(id) || !objects.has(id)) send();
  else objects.onReady(id, send);
}

/** What a pull needs from the pulling node. */
export interface PullTarget {
  /** A writable segment for `size` bytes. */
  allocate(size: number): { name: string; view: Uint8Array };
  /** Gives back a segment when the pull fails. */
  release(name: string): void;
}

/** The result of a pull: the value here, or where it went. */
export type PullResult = { obj: WireObject } | { moved: string };

/** Pulls object `id` from the node at `address` into a segment of `target`. */
export function pullObject(address: string, token: string | undefined, id: string, target: PullTarget, timeoutMs = 600_000): Promise<PullResult> {
  return new Promise((resolve, reject) => {
    const scratch = Buffer.allocUnsafe(64 * 1024);
    let headerBytes: Buffer = Buffer.alloc(0);
    let header: PullHeader | undefined;
    let seg: { name: string; view: Uint8Array } | undefined;
    let inline: Uint8Array | undefined;
    let off = 0;
    let settled = false;
    const dest = (): Uint8Array => inline ?? seg!.view;
    const finish = (err?: Error, res?: PullResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) {
        if (seg) target.release(seg.name);
        reject(err);
      } else resolve(res!);
    };
    const complete = () => {
      const e = header!.e ? { e: 1 as const } : {};
      if (inline) finish(undefined, { obj: { d: inline, n: header!.n!, ...e } });
      else finish(undefined, { obj: { s: seg!.name, n: header!.n!, ...e } });
    };
    const onHeader = (h: PullHeader, rest: Buffer) => {
      header = h;
      if (h.moved) return finish(undefined, { moved: h.moved });
      if (h.missing) return finish(h.missing === 'freed' ? new ObjectFreedError(id) : new ObjectLostError(id, `node ${address} no longer has it`));
      if (h.err) return finish(new ObjectLostError(id, `node ${address} could not send it: ${h.err}`));
      const n = h.n!;
      if (n <= 64 * 1024) inline = new Uint8Array(n);
      else {
        try {
          seg = target.allocate(n);
        } catch (err) {
          return finish(err as Error); // e.g. ObjectStoreFullError: this node has no room for it
        }
      }
      const take = Math.min(rest.length, n);
      dest().set(rest.subarray(0, take), 0);
      off = take;
      if (off === n) complete();
    };
    const socket = connect({
      ...splitAddress(address),
      onread: {
        buffer: () => (!settled && header && (inline || seg) && (header.n ?? 0) > off ? dest().subarray(off) : scratch),
        callback: (nread: number, buf: Uint8Array) => {
          if (settled) return false;
          if (header) {
            off += nread;
            if (off >= header.n!) complete();
            return true;
          }
          headerBytes = Buffer.concat([headerBytes, Buffer.from(buf.subarray(0, nread))]);
          if (headerBytes.length >= 4) {
            const len = headerBytes.readUInt32LE(0);
            if (len > 1 << 20) {
              finish(new RaySystemError(`Bad header from ${address} while pulling ${id}.`));
              return false;
            }
            if (headerBytes.length >= 4 + len) {
              let h: PullHeader;
              try {
                h = unframe(headerBytes.subarray(4, 4 + len)) as PullHeader;
              } catch (err) {
                finish(new RaySystemError(`Malformed header from ${address} while pulling ${id}.`, { cause: err }));
                return false;
              }
              if (h.t === ('refused' as string)) {
                finish(new AuthenticationError(address));
                return false;
              }
              onHeader(h, headerBytes.subarray(4 + len));
            }
          }
          return true;
        },
      },
    });
    const timer = setTimeout(() => finish(new ObjectLostError(id, `pulling it from ${address} timed out`)), timeoutMs);
    socket.on('connect', () => socket.write(frame({ t: 'hello', version: PROTOCOL_VERSION, kind: 'pull', id, token, hostId: hostId() })));
    socket.on('error', (err) => finish(new ObjectLostError(id, `pulling it from ${address} failed: ${err.message}`)));
    socket.on('close', () => {
      if (!settled) finish(new ObjectLostError(id, `node ${address} closed the connection after ${off} of ${header?.n ?? '?'} bytes`));
    });
  });
}
