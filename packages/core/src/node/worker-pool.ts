/**
 * Worker processes of one node: started on demand (and a few at start), reused
 * between tasks, kept apart by runtime environment, stopped when idle too long.
 * A worker is an OS process, so a task that crashes it never takes down the node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Connection } from '../transport/connection.js';
import type { RuntimeEnvWire } from '../transport/protocol.js';
import { newId } from '../ids.js';
import { config } from '../config.js';
import { RaySystemError } from '../errors.js';

/** Workers that may fail to start in a row before work that needs one fails. */
const MAX_START_FAILURES = 5;

/** State of a worker process. */
export type WorkerState = 'starting' | 'idle' | 'leased' | 'actor' | 'dead';

/** The node's view of one worker process. */
export interface WorkerHandle {
  id: string;
  envKey: string;
  /** The process (absent while its working directory is being prepared). */
  proc?: ChildProcess;
  pid: number;
  conn?: Connection;
  state: WorkerState;
  idleSince: number;
  /** Set by the scheduler (a lease) or the actor manager (an actor) that uses the worker. */
  owner?: unknown;
  /** Which of the two owns it. */
  ownerKind?: 'lease' | 'actor';
}

/** Key of a runtime environment (workers are reused only within one). */
export function envKeyOf(env: RuntimeEnvWire | undefined): string {
  const vars = env?.envVars && Object.keys(env.envVars).length ? JSON.stringify(Object.entries(env.envVars).sort(([a], [b]) => (a < b ? -1 : 1))) : '';
  return env?.workingDir ? `${env.workingDir}|${vars}` : vars;
}

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  socketPath: string;
  sessionDir: string;
  nodeId: string;
  namespace: string;
  /** How many idle workers to keep (the CPU count). */
  softLimit: number;
  onExit: (w: WorkerHandle, info: string) => void;
  /** Cluster token the workers present. */
  token?: string;
  /** Unpacked directory of a working-dir URI: the path when ready, else a promise of it (fetched and unpacked). */
  workingDir?: (uri: string) => string | Promise<string>;
  onReady: (w: WorkerHandle) => void;
  /** Keeps worker output in log files and prints it with a `(fn pid=...)` prefix (default: print with `(pid=...)`). */
  logs?: { attach(workerId: string, pid: number, stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream): void };
}

const here = fileURLToPath(import.meta.url);
const workerEntry = here.replace(/node[\\/]worker-pool\.(ts|js)$/, (_m, ext: string) => `worker/worker-main.${ext}`);

function childExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(inspect|debug|test|watch|prof|cpu-prof|heap-prof|eval|print|input-type)/.test(a) || a === '-e' || a === '-p') continue;
    out.push(a);
  }
  return out;
}

/** Starts, tracks and stops the worker processes of a node. */
export class WorkerPool {
  private readonly workers = new Map<string, WorkerHandle>();
  private readonly idle = new Map<string, WorkerHandle[]>();
  private timer: NodeJS.Timeout;
  private closed = false;
  /** Per environment: workers that died before connecting, in a row, and how the last one ended. */
  private readonly startFailures = new Map<string, { n: number; last: string }>();

  constructor(private readonly opts: WorkerPoolOptions) {
    this.timer = setInterval(() => this.reapIdle(), Math.max(250, config.idleWorkerTimeoutMs / 4));
    this.timer.unref();
  }

  /** All live workers. */
  all(): WorkerHandle[] {
    return [...this.workers.values()];
  }

  /** Number of workers being started for an environment. */
  starting(envKey: string): number {
    let n = 0;
    for (const w of this.workers.values()) if (w.state === 'starting' && w.envKey === envKey) n++;
    return n;
  }

  /** An idle worker of this environment, taken out of the idle set. */
  takeIdle(envKey: string): WorkerHandle | undefined {
    const list = this.idle.get(envKey);
    while (list?.length) {
      const w = list.pop()!;
      if (w.state === 'idle') return w;
    }
    return undefined;
  }

  /** Returns a worker to the idle set. */
  putIdle(w: WorkerHandle): void {
    if (w.state === 'dead') return;
    w.state = 'idle';
    w.owner = undefined;
    w.ownerKind = undefined;
    w.idleSince = Date.now();
    const list = this.idle.get(w.envKey) ?? [];
    list.push(w);
    this.idle.set(w.envKey, list);
  }

  /** Starts a worker process; it becomes usable when it connects (onReady). */
  start(envKey: string, env: RuntimeEnvWire | undefined): WorkerHandle {
    if (env?.workingDir) {
      if (!this.opts.workingDir) throw new RaySystemError('runtimeEnv.workingDir needs a node in a cluster (init({ address }))');
      const dir = this.opts.workingDir(env.workingDir);
      if (typeof dir !== 'string') {
        // Fetch and unpack first; the worker counts as starting meanwhile.
        const w: WorkerHandle = { id: newId('w'), envKey, pid: -1, state: 'starting', idleSince: Date.now() };
        this.workers.set(w.id, w);
        dir.then(
          (d) => (w.state === 'dead' || this.closed ? undefined : this.spawnWorker(w, env, d)),
          (err: Error) => this.workerGone(w, `its working directory could not be prepared: ${err.message}`),
        );
        return w;
      }
      const w: WorkerHandle = { id: newId('w'), envKey, pid: -1, state: 'starting', idleSince: Date.now() };
      this.workers.set(w.id, w);
      this.spawnWorker(w, env, dir);
      return w;
    }
    const w: WorkerHandle = { id: newId('w'), envKey, pid: -1, state: 'starting', idleSince: Date.now() };
    this.workers.set(w.id, w);
    this.spawnWorker(w, env, undefined);
    return w;
  }

  private spawnWorker(w: WorkerHandle, env: RuntimeEnvWire | undefined, workingDir: string | undefined): void {
    const { envKey, id } = w;
    const failed = this.startFailures.get(envKey);
    if (failed && failed.n >= MAX_START_FAILURES) {
      throw new RaySystemError(
        `Worker processes cannot start: ${failed.n} in a row exited before connecting (last: ${failed.last}). ` +
          'Check the stderr lines above prefixed with (pid=...), the node flags of the driver, and runtimeEnv.',
      );
    }
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...(env?.envVars ?? {}) };
    if (workingDir) {
      childEnv.RAY_TS_WORKING_DIR = workingDir;
      childEnv.RAY_TS_WORKING_DIR_URI = env!.workingDir;
      childEnv.RAY_TS_WORKING_DIR_ROOT = env!.workingDirRoot ?? '';
    }
    delete childEnv.NODE_TEST_CONTEXT;
    delete childEnv.NODE_OPTIONS_TEST;
    Object.assign(childEnv, {
      RAY_TS_WORKER: '1',
      RAY_TS_WORKER_ID: id,
      RAY_TS_NODE_SOCKET: this.opts.socketPath,
      RAY_TS_SESSION_DIR: this.opts.sessionDir,
      RAY_TS_NODE_ID: this.opts.nodeId,
      RAY_TS_NAMESPACE: this.opts.namespace,
    });
    if (this.opts.token !== undefined) childEnv.RAY_TS_CLUSTER_TOKEN = this.opts.token;
    void envKey;
    const proc = spawn(process.execPath, [...childExecArgv(), workerEntry], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(workingDir ? { cwd: workingDir } : {}),
    });
    w.proc = proc;
    w.pid = proc.pid ?? -1;
    if (this.opts.logs) this.opts.logs.attach(id, w.pid, proc.stdout!, proc.stderr!);
    else {
      forwardLines(proc.stdout!, process.stdout, w.pid);
      forwardLines(proc.stderr!, process.stderr, w.pid);
    }
    proc.on('exit', (code, signal) => {
      const info = signal ? `killed by ${signal}` : `exit code ${code}`;
      this.workerGone(w, info);
    });
    proc.on('error', (err) => this.workerGone(w, `spawn failed: ${err.message}`));
    proc.unref();
  }

  /** A worker connected and said hello. */
  attach(id: string, conn: Connection): WorkerHandle | undefined {
    const w = this.workers.get(id);
    if (!w || w.state === 'dead') return undefined;
    w.conn = conn;
    conn.onClose(() => {
      // A worker whose connection drops is of no use; make sure it is gone.
      if (w.state !== 'dead' && !this.closed) w.proc?.kill('SIGKILL');
    });
    (conn.socket as { unref?: () => void }).unref?.();
    this.startFailures.delete(w.envKey);
    this.putIdle(w);
    this.opts.onReady(w);
    return w;
  }

  /** Kills a worker (SIGKILL at once when `force`, else SIGTERM then SIGKILL). */
  kill(w: WorkerHandle, force = true): void {
    if (w.state === 'dead') return;
    if (force) w.proc?.kill('SIGKILL');
    else {
      w.proc?.kill('SIGTERM');
      setTimeout(() => w.proc?.kill('SIGKILL'), config.workerKillGraceMs).unref();
    }
  }

  /** Stops every worker. */
  shutdown(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const w of this.workers.values()) {
      try {
        w.proc?.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  private workerGone(w: WorkerHandle, info: string): void {
    if (w.state === 'dead') return;
    if (w.state === 'starting') {
      const f = this.startFailures.get(w.envKey) ?? { n: 0, last: '' };
      this.startFailures.set(w.envKey, { n: f.n + 1, last: info });
    }
    w.state = 'dead';
    this.workers.delete(w.id);
    w.conn?.close();
    if (!this.closed) this.opts.onExit(w, info);
  }

  private reapIdle(): void {
    const now = Date.now();
    let idleCount = 0;
    for (const list of this.idle.values()) idleCount += list.filter((w) => w.state === 'idle').length;
    for (const [key, list] of this.idle) {
      for (let i = list.length - 1; i >= 0 && idleCount > this.opts.softLimit; i--) {
        const w = list[i]!;
        if (w.state !== 'idle') {
          list.splice(i, 1);
          continue;
        }
        if (now - w.idleSince > config.idleWorkerTimeoutMs) {
          list.splice(i, 1);
          idleCount--;
          this.kill(w, false);
        }
      }
      if (list.length === 0) this.idle.delete(key);
    }
  }
}

function forwardLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, pid: number): void {
  const rl = createInterface({ input: from, crlfDelay: Infinity });
  rl.on('line', (line) => to.write(`(pid=${pid}) ${line}\n`));
}
