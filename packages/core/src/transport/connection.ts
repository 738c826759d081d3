/**
 * A message connection over a stream socket (Unix domain or TCP): each frame is a
 * 4-byte little-endian length and a msgpack body. Messages sent in one tick are
 * written together (cork/uncork), which is what makes thousands of small task
 * messages per second cheap. A malformed or oversized frame closes the connection
 * with a logged error; it never throws into the process.
 */
import type { Socket } from 'node:net';
import { Packr, Unpackr } from 'msgpackr';
import { config } from '../config.js';

const packr = new Packr({ useRecords: false, moreTypes: false, bundleStrings: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Frames written in one batch at most before a flush. */
const FLUSH_EVERY_FRAMES = 64;

/** Version of the wire protocol; a peer with another version is refused at hello. */
export const PROTOCOL_VERSION = 1;

/** One message as a frame (length + msgpack body), for code that writes to a raw socket. */
export function frame(msg: { t: string } & Record<string, unknown>): Buffer {
  const body = packr.pack(msg);
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Decodes a frame body. */
export function unframe(body: Uint8Array): unknown {
  return unpackr.unpack(body);
}

/** Handler of the messages a connection receives. */
export type MessageHandler = (msg: Record<string, unknown> & { t: string }) => void;

/** One end of a framed msgpack connection. */
export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private corked = false;
  private corkedFrames = 0;
  private closed = false;
  private readonly closeHandlers: Array<(err?: Error) => void> = [];

  constructor(
    readonly socket: Socket,
    private readonly onMessage: MessageHandler,
    private readonly label = 'connection',
  ) {
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close());
  }

  /** Sends a message; messages sent in the same tick leave in one write. */
  send(msg: { t: string } & Record<string, unknown>): void {
    if (this.closed) return;
    const body = packr.pack(msg);
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32LE(body.length, 0);
    if (!this.corked) {
      this.corked = true;
      this.corkedFrames = 0;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        if (!this.closed) this.socket.uncork();
      });
    }
    this.socket.write(header);
    this.socket.write(body);
    // Code that only awaits promises never lets the tick end; flush every few frames so
    // its messages (a generator's items, say) still go out as it runs.
    if (++this.corkedFrames >= FLUSH_EVERY_FRAMES) {
      this.corkedFrames = 0;
      this.socket.uncork();
      this.socket.cork();
    }
  }

  /** Registers a callback for when the connection closes (with the error, if any). */
  onClose(fn: (err?: Error) => void): void {
    if (this.closed) fn();
    else this.closeHandlers.push(fn);
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection. */
  close(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const fn of this.closeHandlers.splice(0)) {
      try {
        fn(err);
      } catch (e) {
        console.error(`[ray-ts] ${this.label}: close handler failed`, e);
      }
    }
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4 && !this.closed) {
      let head = this.chunks[0]!;
      if (head.length < 4) {
        head = Buffer.concat(this.chunks);
        this.chunks = [head];
      }
      const len = head.readUInt32LE(0);
      if (len > config.maxMessageBytes) {
        console.error(`[ray-ts] ${this.label}: message of ${len} bytes exceeds the limit ${config.maxMessageBytes}; closing`);
        this.close(new Error('oversized message'));
        return;
      }
      if (this.buffered < 4 + len) return;
      let frame: Buffer;
      if (head.length >= 4 + len) {
        frame = head.subarray(4, 4 + len);
        if (head.length === 4 + len) this.chunks.shift();
        else this.chunks[0] = head.subarray(4 + len);
      } else {
        const all = Buffer.concat(this.chunks);
        frame = all.subarray(4, 4 + len);
        this.chunks = all.length > 4 + len ? [all.subarray(4 + len)] : [];
      }
      this.buffered -= 4 + len;
      let msg: unknown;
      try {
        msg = unpackr.unpack(frame);
      } catch (err) {
        console.error(`[ray-ts] ${this.label}: malformed message; closing`, err);
        this.close(err as Error);
        return;
      }
      if (!msg || typeof msg !== 'object' || typeof (msg as { t?: unknown }).t !== 'string') {
        console.error(`[ray-ts] ${this.label}: message without a type; closing`);
        this.close(new Error('malformed message'));
        return;
      }
      try {
        this.onMessage(msg as Record<string, unknown> & { t: string });
      } catch (err) {
        console.error(`[ray-ts] ${this.label}: handling '${(msg as { t: string }).t}' failed`, err);
      }
    }
  }
}
