/**
 * Which running node the state, logs and timeline commands ask: `--address`, an
 * embedded session's socket (`--session-dir`), the node started on this machine
 * (`ray-ts start`), else the newest local session.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readHeadInfo, resolveToken } from './head-file.js';
import { findSession } from './status.js';
import type { StateTarget } from '../state/state-api.js';

/** Options every state command takes. */
export interface TargetOptions {
  address?: string;
  token?: string;
  sessionDir?: string;
  tempDir?: string;
  timeout?: number;
}

/** Adds the target options to a command. */
export function targetOptions(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'a node of the cluster (default: the one started on this machine, else the newest local session)')
    .option('--token <token>', 'cluster token (default: RAY_TS_CLUSTER_TOKEN or the local head\'s token file)')
    .option('--session-dir <dir>', 'session directory of an embedded cluster (ray.init() in a program)')
    .option('--temp-dir <dir>', 'where sessions live (default: <tmpdir>/ray-ts)')
    .option('--timeout <ms>', 'how long to wait for the answer', (v) => Number(v), 30_000);
}

/** Resolves the target options. */
export function resolveTarget(o: TargetOptions): StateTarget {
  if (o.address) return { address: o.address, token: resolveToken(o.token, o.tempDir), timeout: o.timeout };
  const head = o.sessionDir ? undefined : readHeadInfo(o.tempDir);
  if (head) return { address: head.address, token: resolveToken(o.token, o.tempDir), timeout: o.timeout };
  const dir = findSession(o.sessionDir, o.tempDir);
  const info = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as { socket: string };
  let token = o.token;
  try {
    token ??= readFileSync(join(dir, 'token'), 'utf8').trim();
  } catch {
    /* a node without a token */
  }
  return { address: info.socket, token, timeout: o.timeout };
}
