/**
 * The head's job manager (Ray's JobManager): runs submitted drivers as processes on the
 * head machine, keeps their logs, records their status in the head's store (table
 * `jobs`), and answers `gcs.jobSubmit | jobStatus | jobLogs | jobStop | jobList` from
 * any client of the cluster (the `ray-ts job` CLI).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { GcsPeer, GcsServer } from '../gcs/gcs-server.js';
import type { RuntimeEnvWire } from '../transport/protocol.js';
import { findNodeModules, isWorkingDirUri, unpackWorkingDir } from '../runtime-env/working-dir.js';
import { isTerminal, JobSubmissionError, type JobInfo, type JobLogsChunk, type JobStatus, type JobSubmitRequest } from './job-types.js';
import { driverEnv, killGroup, pidAlive, spawnDriver } from './driver-process.js';
import { readLogChunk } from './job-logs.js';
import { checkJobRequest } from './job-request.js';

/** What the manager uses of the head service (a fake in unit tests). */
export type JobHead = Pick<GcsServer, 'handlers' | 'handle' | 'store'>;

/** Options of a {@link JobManager}. */
export interface JobManagerOptions {
  /** The head's `host:port`, given to drivers as RAY_TS_ADDRESS. */
  address: string;
  /** The cluster token, given to drivers as RAY_TS_CLUSTER_TOKEN. @default none */
  token?: string;
  /** The head's session directory: logs go to `logs/`, working directories to `runtime_resources/working_dir/`. */
  sessionDir: string;
  /** Directory of jobs submitted without a working directory. @default the head process's cwd */
  cwd?: string;
  /** `node_modules` linked into unpacked working directories. @default the one holding this installation of @ray-ts/core */
  nodeModules?: string;
  /** Milliseconds between SIGTERM and SIGKILL when a job is stopped. @default 3000 */
  stopGraceMs?: number;
}

/** A job whose driver may still be alive. */
interface Live {
  proc?: ChildProcess;
  pid?: number;
  stopRequested: boolean;
  killTimer?: NodeJS.Timeout;
  /** Polls a driver recovered after a head restart (not our child: no exit event). */
  watch?: NodeJS.Timeout;
}

type Msg = Record<string, any> & { t: string };
const SELF: GcsPeer = { id: 'job-manager', send: () => {} };

/** Runs and tracks submitted jobs on the head. */
export class JobManager {
  private readonly jobs = new Map<string, JobInfo>();
  private readonly live = new Map<string, Live>();
  private readonly opts: Readonly<Required<Omit<JobManagerOptions, 'token' | 'nodeModules'>> & Pick<JobManagerOptions, 'token' | 'nodeModules'>>;

  /** Registers the job requests on the head service (no I/O; call {@link recover} next). */
  constructor(private readonly gcs: JobHead, options: JobManagerOptions) {
    const { stopGraceMs = 3000 } = options;
    if (typeof options.address !== 'string' || !options.address) throw new TypeError('JobManager options.address must be the head\'s host:port');
    if (typeof options.sessionDir !== 'string' || !options.sessionDir) throw new TypeError('JobManager options.sessionDir must be a directory');
    if (!(stopGraceMs >= 0)) throw new RangeError(`JobManager options.stopGraceMs must be a non-negative number of ms, got ${stopGraceMs}`);
    this.opts = Object.freeze({
      ...options,
      cwd: options.cwd ?? process.cwd(),
      nodeModules: options.nodeModules ?? findNodeModules(fileURLToPath(new URL('.', import.meta.url))),
      stopGraceMs,
    });
    const on = (t: string, fn: (m: Msg) => unknown) =>
      gcs.handlers.set(t, async (_peer, m) => {
        try {
          return await fn(m);
        } catch (err) {
          if (err instanceof JobSubmissionError || err instanceof TypeError || err instanceof RangeError) return { error: err.message };
          throw err;
        }
      });
    on('gcs.jobSubmit', (m) => this.submit(m as unknown as JobSubmitRequest));
    on('gcs.jobStatus', (m) => ({ job: this.get(m.submissionId) }));
    on('gcs.jobLogs', (m) => this.logs(m.submissionId, m.offset ?? 0));
    on('gcs.jobStop', (m) => this.stop(m.submissionId));
    on('gcs.jobList', () => ({ jobs: this.list() }));
  }

  /** Loads the jobs of an earlier head: those that were running fail, unless their driver is still alive. */
  async recover(): Promise<void> {
    for (const [id, job] of await this.gcs.store.getAll<JobInfo>('jobs')) {
      this.jobs.set(id, job);
      if (isTerminal(job.status)) continue;
      if (job.driverPid !== undefined && pidAlive(job.driverPid)) {
        this.watchRecovered(job);
      } else {
        await this.finish(job, 'FAILED', 'the head restarted while the job was running; its driver is gone');
      }
    }
  }

  /** All jobs, oldest first. */
  list(): JobInfo[] {
    return [...this.jobs.values()].sort((a, b) => a.startTime - b.startTime);
  }

  /** One job; throws JobSubmissionError when unknown. */
  get(submissionId: unknown): JobInfo {
    const job = typeof submissionId === 'string' ? this.jobs.get(submissionId) : undefined;
    if (!job) throw new JobSubmissionError(`No job with submission id '${String(submissionId)}'. List the jobs with \`ray-ts job list\`.`, { submissionId: String(submissionId) });
    return job;
  }

  /** Records a job and starts its driver; resolves with its id once recorded. */
  async submit(req: JobSubmitRequest): Promise<{ submissionId: string }> {
    const r = checkJobRequest(req);
    const submissionId = r.submissionId ?? newSubmissionId();
    if (this.jobs.has(submissionId)) throw new JobSubmissionError(`A job with submission id '${submissionId}' exists already. Pick another id.`, { submissionId });
    if (r.workingDir !== undefined) {
      if (!isWorkingDirUri(r.workingDir)) throw new TypeError(`jobSubmit workingDir must be a wd:// URI, got '${r.workingDir}'`);
      const have = await this.gcs.handle(SELF, { t: 'gcs.kvExists', key: r.workingDir });
      if (!have?.exists) throw new JobSubmissionError(`The working directory ${r.workingDir} is not in the head's store. Upload it with gcs.kvPut first (\`ray-ts job submit --working-dir\` does).`, { submissionId });
    }
    const job: JobInfo = {
      submissionId,
      status: 'PENDING',
      entrypoint: r.entrypoint,
      ...(r.workingDir !== undefined ? { workingDir: r.workingDir } : {}),
      ...(r.envVars !== undefined ? { envVars: r.envVars } : {}),
      ...(r.metadata !== undefined ? { metadata: r.metadata } : {}),
      startTime: Date.now(),
      logFile: join(this.opts.sessionDir, 'logs', `job-driver-${submissionId}.log`),
    };
    this.jobs.set(submissionId, job);
    await this.persist(job);
    const live: Live = { stopRequested: false };
    this.live.set(submissionId, live);
    void this.run(job, live).catch(async (err: Error) => {
      appendLog(job, `[ray-ts] job ${submissionId} could not start: ${err.message}\n`);
      await this.finish(job, 'FAILED', `could not start: ${err.message}`);
    });
    return { submissionId };
  }

  /** The log of a job from byte `offset`; `done` once the job has ended and all of it was read. */
  logs(submissionId: unknown, offset: unknown): JobLogsChunk {
    const job = this.get(submissionId);
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new RangeError(`jobLogs offset must be a non-negative integer, got ${String(offset)}`);
    const ended = isTerminal(job.status); // before reading: an ended job's log is complete
    if (!job.logFile) return { data: '', offset, done: ended };
    const chunk = readLogChunk(job.logFile, offset, ended);
    return { data: chunk.data, offset: chunk.offset, done: ended && chunk.atEnd };
  }

  /** Stops a job: SIGTERM to its process group, SIGKILL after `stopGraceMs`. `stopped` is false when it had ended already. */
  stop(submissionId: unknown): { stopped: boolean; status: JobStatus } {
    const job = this.get(submissionId);
    const live = this.live.get(job.submissionId);
    if (isTerminal(job.status) || !live) return { stopped: false, status: job.status };
    live.stopRequested = true;
    if (live.pid !== undefined && killGroup(live.pid, 'SIGTERM') && !live.killTimer) {
      const pid = live.pid;
      live.killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), this.opts.stopGraceMs);
      live.killTimer.unref();
    }
    return { stopped: true, status: job.status };
  }

  /** The head stops: its drivers get SIGTERM (their records stay as they are; a restarted head marks them failed). */
  shutdown(): void {
    for (const live of this.live.values()) {
      if (live.watch) clearInterval(live.watch);
      if (live.killTimer) clearTimeout(live.killTimer);
      if (live.pid !== undefined) killGroup(live.pid, 'SIGTERM');
    }
    this.live.clear();
  }

  private async run(job: JobInfo, live: Live): Promise<void> {
    let cwd = this.opts.cwd;
    let runtimeEnv: RuntimeEnvWire | undefined = job.envVars ? { envVars: job.envVars } : undefined;
    if (job.workingDir) {
      cwd = await this.unpack(job.workingDir);
      // The driver's modules load from `cwd`: workers map module URLs under it to their own copy.
      runtimeEnv = { ...runtimeEnv, workingDir: job.workingDir, workingDirRoot: pathToFileURL(cwd).href };
    }
    if (live.stopRequested) return this.finish(job, 'STOPPED', 'stopped before its driver started');
    const env = driverEnv({ address: this.opts.address, token: this.opts.token, submissionId: job.submissionId, runtimeEnv, envVars: job.envVars });
    const proc = spawnDriver(job.entrypoint, cwd, env, job.logFile!);
    live.proc = proc;
    proc.once('error', (err) => {
      appendLog(job, `[ray-ts] cannot run ${JSON.stringify(job.entrypoint[0])}: ${err.message}\n`);
      void this.finish(job, 'FAILED', `cannot run ${JSON.stringify(job.entrypoint[0])}: ${err.message}`);
    });
    proc.once('exit', (code, signal) => void this.onExit(job, live, code, signal));
    if (proc.pid === undefined) return; // 'error' follows
    live.pid = proc.pid;
    job.driverPid = proc.pid;
    job.status = 'RUNNING';
    await this.persist(job);
  }

  private async onExit(job: JobInfo, live: Live, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    job.driverExitCode = code;
    // A stop's SIGKILL timer stays armed: it ends whatever the driver left in its group.
    if (!live.stopRequested && live.killTimer) clearTimeout(live.killTimer);
    if (live.stopRequested) await this.finish(job, 'STOPPED', 'stopped by `ray-ts job stop`');
    else if (code === 0) await this.finish(job, 'SUCCEEDED', 'the driver exited with code 0');
    else await this.finish(job, 'FAILED', signal ? `the driver was killed by ${signal}` : `the driver exited with code ${code}`);
  }

  /** A driver that outlived a head restart: polled until it is gone (its exit code is lost). */
  private watchRecovered(job: JobInfo): void {
    const live: Live = { pid: job.driverPid, stopRequested: false };
    live.watch = setInterval(() => {
      if (pidAlive(job.driverPid!)) return;
      clearInterval(live.watch);
      if (live.stopRequested) void this.finish(job, 'STOPPED', 'stopped by `ray-ts job stop`');
      else void this.finish(job, 'FAILED', 'the driver exited while the head was restarting; its exit code is unknown');
    }, 1000);
    live.watch.unref();
    this.live.set(job.submissionId, live);
  }

  private async unpack(uri: string): Promise<string> {
    const r = await this.gcs.handle(SELF, { t: 'gcs.kvGet', key: uri });
    const bytes = r?.value as Uint8Array | null | undefined;
    if (!bytes) throw new JobSubmissionError(`The working directory ${uri} is no longer in the head's store. Submit the job again.`);
    // The same cache as the head's workers (Ray runs the driver in the runtime env's working_dir).
    const dir = await unpackWorkingDir(uri, bytes, join(this.opts.sessionDir, 'runtime_resources', 'working_dir'), this.opts.nodeModules);
    return realpathSync(dir);
  }

  private async finish(job: JobInfo, status: JobStatus, message: string): Promise<void> {
    if (isTerminal(job.status)) return;
    job.status = status;
    job.message = message;
    job.endTime = Date.now();
    this.live.delete(job.submissionId);
    await this.persist(job);
  }

  private async persist(job: JobInfo): Promise<void> {
    try {
      await this.gcs.store.put('jobs', job.submissionId, job);
    } catch (err) {
      console.error(`[ray-ts] head: cannot record job ${job.submissionId}: ${(err as Error).message}`);
    }
  }
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `raysubmit_` and 16 random letters and digits, as in Ray. */
function newSubmissionId(): string {
  return `raysubmit_${[...randomBytes(16)].map((b) => ID_CHARS[b % ID_CHARS.length]).join('')}`;
}

function appendLog(job: JobInfo, text: string): void {
  try {
    if (!job.logFile) return;
    mkdirSync(dirname(job.logFile), { recursive: true });
    appendFileSync(job.logFile, text);
  } catch {
    /* the log directory is gone */
  }
}
