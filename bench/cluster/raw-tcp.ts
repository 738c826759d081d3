/**
 * The reference of the object-transfer figure: a raw TCP copy of the same number of bytes
 * over loopback between two Node processes. A child process (`raw-tcp-writer.mjs`) writes
 * a filled buffer to the socket; this process reads it straight into a preallocated buffer
 * with `onread` (no copy in JavaScript), the way a pull reads into its shared memory
 * (`packages/core/src/cluster/object-pull.ts`). A copy is timed from `connect()` to the
 * last byte.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('./raw-tcp-writer.mjs', import.meta.url));

/** A running writer and the reader's buffer. */
export interface RawTcpPeer {
  /** Bytes per copy. */
  readonly size: number;
  /** Copies once into the reader's buffer; resolves with the seconds it took. */
  copy(): Promise<number>;
  /** Stops the writer. */
  close(): void;
}

/**
 * Starts the writer child for `size` bytes and allocates the reader's buffer (not
 * touched: the first copy faults its pages in, as a pull into fresh shared memory does;
 * later copies reuse them).
 */
export async function startRawTcp(size: number): Promise<RawTcpPeer> {
  // A plain node (spawn does not pass on the runner's --import tsx).
  const child: ChildProcess = spawn(process.execPath, [WRITER, String(size)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`raw-tcp-writer exited (${code}) before it was ready`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  child.removeAllListeners('exit');
  const dest = new Uint8Array(size);
  const scratch = new Uint8Array(64 * 1024);
  return {
    size,
    copy: () =>
      new Promise<number>((resolve, reject) => {
        let off = 0;
        const t0 = performance.now();
        const socket = connect({
          host: '127.0.0.1',
          port,
          onread: {
            buffer: () => (off < size ? dest.subarray(off) : scratch),
            callback: (n: number) => {
              off += n;
              if (off >= size) {
                const s = (performance.now() - t0) / 1000;
                socket.destroy();
                if (dest[size - 1] !== 1) reject(new Error('raw TCP copy: the last byte is wrong'));
                else resolve(s);
                return false;
              }
              return true;
            },
          },
        });
        socket.on('error', reject);
        socket.on('close', () => {
          if (off < size) reject(new Error(`raw TCP copy: connection closed after ${off} of ${size} bytes`));
        });
      }),
    close() {
      child.stdin?.end();
      child.kill();
    },
  };
}
