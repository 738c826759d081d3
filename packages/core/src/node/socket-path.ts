/**
 * Where a node's Unix socket lives. Linux limits a socket path to 107 bytes; a deep temp
 * directory (a cluster's node dir under a test's temp dir, a 5-digit pid in the session
 * name) can pass that and make `listen` fail, so a long path falls back to a short one in
 * the system temp directory, named after the node (removed when the server closes).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Longest socket path used as is (Linux's `sun_path` holds 108 bytes with the NUL). */
export const MAX_SOCKET_PATH_BYTES = 103;

/** `<sessionDir>/node.sock`, or `<tmpdir>/rts-<nodeId>.sock` (else `/tmp/...`) when that is too long. */
export function nodeSocketPath(sessionDir: string, nodeId: string): string {
  for (const p of [join(sessionDir, 'node.sock'), join(tmpdir(), `rts-${nodeId}.sock`), `/tmp/rts-${nodeId}.sock`]) {
    if (Buffer.byteLength(p) <= MAX_SOCKET_PATH_BYTES) return p;
  }
  throw new Error(`no socket path of at most ${MAX_SOCKET_PATH_BYTES} bytes for node ${nodeId}; set TMPDIR to a short directory.`);
}
