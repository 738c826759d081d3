/**
 * Removes what dead sessions left behind: a driver killed with SIGKILL cannot unlink its
 * shared-memory segments or session directory, so the next init() does it.
 */
import { readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Deletes session directories (and their segments) whose node process is gone. Returns how many. */
export function cleanStaleSessions(sessionRoot: string): number {
  let sessions: string[];
  try {
    sessions = readdirSync(sessionRoot).filter((d) => d.startsWith('session_') && d !== 'session_latest');
  } catch {
    return 0;
  }
  let shm: string[] | undefined;
  let cleaned = 0;
  for (const dir of sessions) {
    const path = join(sessionRoot, dir);
    let info: { nodeId?: string; pid?: number; socket?: string };
    try {
      info = JSON.parse(readFileSync(join(path, 'node.json'), 'utf8'));
    } catch {
      continue; // starting up, or not ours
    }
    if (!info.pid || alive(info.pid)) continue;
    shm ??= readdirSync('/dev/shm');
    const prefix = `rts-${info.nodeId}-`;
    for (const f of shm) {
      if (f.startsWith(prefix)) {
        try {
          unlinkSync(join('/dev/shm', f));
        } catch {
          /* gone */
        }
      }
    }
    if (info.socket && !info.socket.startsWith(path)) rmSync(info.socket, { force: true }); // a short-path socket
    rmSync(path, { recursive: true, force: true });
    cleaned++;
  }
  return cleaned;
}
