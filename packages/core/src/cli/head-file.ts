/**
 * The head file: where `ray-ts start` records the node it started on this machine
 * (address, pid, session), so `init({ address: 'auto' })`, `ray-ts status` and
 * `ray-ts stop` find it.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the head file holds. */
export interface HeadInfo {
  address: string;
  pid: number;
  nodeId: string;
  sessionDir: string;
  /** File with the cluster token (mode 0600). */
  tokenFile: string;
  /** True for a head node. */
  head?: boolean;
  /** Address of the cluster's head (its own for a head). */
  headAddress?: string;
  /** `host:port` of the node's HTTP endpoint (`/metrics`, `/api/v0/...`). */
  metricsAddress?: string;
}

/** Directory of ray-ts sessions and the head file. */
export function rayTempDir(tempDir?: string): string {
  return tempDir ?? process.env.RAY_TS_TEMP_DIR ?? join(tmpdir(), 'ray-ts');
}

/** Path of the head file. */
export function headFilePath(tempDir?: string): string {
  return join(rayTempDir(tempDir), 'head.json');
}

/** Reads the head file, or undefined when no head was started here. */
export function readHeadInfo(tempDir?: string): HeadInfo | undefined {
  const p = headFilePath(tempDir);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as HeadInfo;
  } catch {
    return undefined;
  }
}

/** Writes the head file. */
export function writeHeadInfo(info: HeadInfo, tempDir?: string): void {
  mkdirSync(rayTempDir(tempDir), { recursive: true });
  writeFileSync(headFilePath(tempDir), JSON.stringify(info, null, 2));
}

/** Removes the head file (if it still names `pid`). */
export function removeHeadInfo(pid: number, tempDir?: string): void {
  const info = readHeadInfo(tempDir);
  if (info && info.pid === pid) {
    try {
      unlinkSync(headFilePath(tempDir));
    } catch {
      /* gone */
    }
  }
}

/** The cluster token: explicit, else RAY_TS_CLUSTER_TOKEN, else the local head's token file. */
export function resolveToken(explicit: string | undefined, tempDir?: string): string | undefined {
  if (explicit) return explicit;
  if (process.env.RAY_TS_CLUSTER_TOKEN) return process.env.RAY_TS_CLUSTER_TOKEN;
  const info = readHeadInfo(tempDir);
  if (info) {
    try {
      return readFileSync(info.tokenFile, 'utf8').trim();
    } catch {
      /* not readable */
    }
  }
  return undefined;
}
