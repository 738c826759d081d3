/**
 * Cluster tokens and host identity. Every connection to a node that has a token must
 * present the same token in its hello; the comparison is constant-time. The host id
 * tells a client whether it shares the node's machine (and so its /dev/shm).
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** A fresh random cluster token (64 hex characters). */
export function newClusterToken(): string {
  return randomBytes(32).toString('hex');
}

/** True when `given` equals `expected` (constant time). */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

let cachedHostId: string | undefined;

/** Identity of this machine (boot id + hostname): equal ids share /dev/shm. RAY_TS_HOST_ID overrides it (tests of cross-machine paths). */
export function hostId(): string {
  if (process.env.RAY_TS_HOST_ID) return process.env.RAY_TS_HOST_ID;
  if (cachedHostId) return cachedHostId;
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    /* not Linux */
  }
  cachedHostId = `${hostname()}/${boot}`;
  return cachedHostId;
}
