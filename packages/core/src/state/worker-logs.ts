/**
 * Output of a node's worker processes: every line goes to the worker's log file under
 * `<session>/logs/` (`worker-<workerId>-<pid>.out|.err`), is printed with a
 * `(fnName pid=123)` prefix (deduplicated, see {@link LogDeduplicator}), and is passed
 * to subscribers (drivers attached over a socket, and other nodes' drivers through the
 * cluster's log relay). A worker announces the task whose output follows with
 * `:job_id:<id>` and `:task_name:<name>` lines on both pipes (as Ray's workers do); those
 * lines set the job and prefix of what follows on that pipe and are not shown.
 */
import { createWriteStream, mkdirSync, openSync, readSync, closeSync, readdirSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LogDeduplicator, type LogOut } from './log-dedup.js';

/** Marker line a worker prints before the output of a task (or actor). */
export const TASK_NAME_MARKER = ':task_name:';
/** Marker line a worker prints before the output of a task: the job it belongs to (empty: none). */
export const JOB_ID_MARKER = ':job_id:';

/** One line of worker output, as sent to subscribers. */
export interface LogLine {
  nodeId: string;
  pid: number;
  /** `(fnName pid=123)` */
  prefix: string;
  line: string;
  stream: 'stdout' | 'stderr';
  /** Job of the task that printed it; absent for output outside any job's task (shown to every driver). */
  jobId?: string;
}

/** A worker log file. */
export interface LogFileInfo {
  nodeId: string;
  workerId: string;
  pid: number;
  stream: 'stdout' | 'stderr';
  file: string;
  size: number;
}

/** A chunk of a log file. */
export interface LogChunk {
  data: string;
  /** Offset (bytes) to ask for next. */
  offset: number;
}

const MAX_CHUNK = 1 << 20;

/** The worker output of one node. */
export class WorkerLogs {
  readonly dir: string;
  private readonly listeners = new Set<(l: LogLine) => void>();
  private readonly dedup: LogDeduplicator;
  /** Whether lines are printed by this process too (false: files and subscribers only; init's `logToDriver: false`). */
  print = true;

  constructor(sessionDir: string, readonly nodeId: string, out: LogOut = defaultOut) {
    this.dir = join(sessionDir, 'logs');
    this.dedup = new LogDeduplicator(out);
  }

  /** Follows a new worker's pipes. */
  attach(workerId: string, pid: number, stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream): void {
    mkdirSync(this.dir, { recursive: true });
    // Each pipe carries its own markers, so each keeps its own state.
    this.follow(workerId, pid, stdout, 'stdout', { name: '', jobId: '' });
    this.follow(workerId, pid, stderr, 'stderr', { name: '', jobId: '' });
  }

  /** Calls `fn` with every line from now on; returns the unsubscribe function. */
  subscribe(fn: (l: LogLine) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Worker log files of this node. */
  files(): LogFileInfo[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: LogFileInfo[] = [];
    for (const f of names.sort()) {
      const m = /^worker-(.+)-(\d+)\.(out|err)$/.exec(f);
      if (!m) continue;
      const file = join(this.dir, f);
      out.push({ nodeId: this.nodeId, workerId: m[1]!, pid: Number(m[2]), stream: m[3] === 'out' ? 'stdout' : 'stderr', file, size: statSync(file).size });
    }
    return out;
  }

  /** Reads a worker's log file from `offset` (at most 1 MiB). */
  read(pid: number, stream: 'stdout' | 'stderr', offset = 0): LogChunk | undefined {
    const f = this.files().find((x) => x.pid === pid && x.stream === stream);
    if (!f) return undefined;
    const len = Math.max(0, Math.min(MAX_CHUNK, f.size - offset));
    if (len === 0) return { data: '', offset: Math.max(offset, 0) };
    const buf = Buffer.alloc(len);
    const fd = openSync(f.file, 'r');
    try {
      readSync(fd, buf, 0, len, offset);
    } finally {
      closeSync(fd);
    }
    return { data: buf.toString('utf8'), offset: offset + len };
  }

  /** Prints the lines held back by deduplication. */
  close(): void {
    this.dedup.close();
  }

  private follow(workerId: string, pid: number, from: NodeJS.ReadableStream, stream: 'stdout' | 'stderr', state: { name: string; jobId: string }): void {
    let file: WriteStream | undefined = createWriteStream(join(this.dir, `worker-${workerId}-${pid}.${stream === 'stdout' ? 'out' : 'err'}`), { flags: 'a' });
    file.on('error', () => (file = undefined));
    const rl = createInterface({ input: from, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (line.startsWith(TASK_NAME_MARKER)) {
        state.name = line.slice(TASK_NAME_MARKER.length);
        return;
      }
      if (line.startsWith(JOB_ID_MARKER)) {
        state.jobId = line.slice(JOB_ID_MARKER.length);
        return;
      }
      file?.write(`${line}\n`);
      const prefix = state.name ? `(${state.name} pid=${pid})` : `(pid=${pid})`;
      if (this.print) this.dedup.push(prefix, line, String(pid), stream);
      if (this.listeners.size) {
        const l: LogLine = { nodeId: this.nodeId, pid, prefix, line, stream, ...(state.jobId ? { jobId: state.jobId } : {}) };
        for (const fn of this.listeners) fn(l);
      }
    });
    rl.on('close', () => file?.end());
  }
}

function defaultOut(text: string, stream: 'stdout' | 'stderr'): void {
  (stream === 'stdout' ? process.stdout : process.stderr).write(text);
}
