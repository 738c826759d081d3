/**
 * The client side of job submission (Ray's JobSubmissionClient): connects to any node
 * of a cluster with its token, uploads a working directory, submits, and reads status
 * and logs. The `ray-ts job` commands are built on it.
 */
import { RpcLink, type Msg } from '../cluster/rpc-link.js';
import { newId } from '../ids.js';
import { packWorkingDir } from '../runtime-env/working-dir.js';
import { checkJobRequest } from './job-request.js';
import { JobSubmissionError, isTerminal, type JobInfo, type JobLogsChunk, type JobStatus } from './job-types.js';

/** What {@link JobSubmissionClient.submitJob} takes. */
export interface SubmitJobOptions {
  /** The command, as argv, e.g. `['node', 'train.js']` (`node` is the head's Node binary). */
  entrypoint: string[];
  /** A local directory packed and shipped as the driver's cwd and its tasks' code (`runtimeEnv.workingDir`). @default none: the driver runs in the head's cwd */
  workingDir?: string;
  /** Gitignore-style patterns left out of `workingDir` (`node_modules` and `.git` always are). @default [] */
  excludes?: string[];
  /** Environment variables of the driver and of its tasks and actors. @default {} */
  envVars?: Record<string, string>;
  /** The job's id. @default `raysubmit_<random>` */
  submissionId?: string;
  /** Labels kept with the job. @default {} */
  metadata?: Record<string, string>;
}

/** Milliseconds to wait for an answer from the head (uploads wait as long as they take). */
const REQUEST_TIMEOUT_MS = 30_000;

/** Submits jobs to a cluster and follows them. */
export class JobSubmissionClient {
  private constructor(private readonly link: RpcLink) {}

  /**
   * Connects to the node at `address` (`host:port`, usually the head) with the cluster token.
   * @throws AuthenticationError when the token is wrong; RaySystemError when nothing listens there.
   */
  static async connect(address: string, token: string | undefined): Promise<JobSubmissionClient> {
    if (typeof address !== 'string' || !/^[^:/\s]+:\d+$/.test(address)) throw new TypeError(`address must be host:port, got '${String(address)}'`);
    return new JobSubmissionClient(await RpcLink.connect(address, 'cli', newId('w'), token, () => {}));
  }

  /** Uploads the working directory (once per content), submits, and returns the submission id. */
  async submitJob(o: SubmitJobOptions): Promise<string> {
    const req = checkJobRequest({ entrypoint: o.entrypoint, envVars: o.envVars, submissionId: o.submissionId, metadata: o.metadata });
    if (o.workingDir !== undefined) req.workingDir = await this.upload(o.workingDir, o.excludes);
    const r = await this.call({ t: 'gcs.jobSubmit', ...req });
    return r.submissionId as string;
  }

  /** Everything the head records about a job. */
  async getJobInfo(submissionId: string): Promise<JobInfo> {
    return (await this.call({ t: 'gcs.jobStatus', submissionId })).job as JobInfo;
  }

  /** The job's status. */
  async getJobStatus(submissionId: string): Promise<JobStatus> {
    return (await this.getJobInfo(submissionId)).status;
  }

  /** Every job the head knows, oldest first. */
  async listJobs(): Promise<JobInfo[]> {
    return (await this.call({ t: 'gcs.jobList' })).jobs as JobInfo[];
  }

  /** Stops a job (SIGTERM, then SIGKILL); false when it had ended already. */
  async stopJob(submissionId: string): Promise<boolean> {
    return (await this.call({ t: 'gcs.jobStop', submissionId })).stopped as boolean;
  }

  /** One piece of the job's log from byte `offset`. */
  async getJobLogsChunk(submissionId: string, offset: number): Promise<JobLogsChunk> {
    const r = await this.call({ t: 'gcs.jobLogs', submissionId, offset });
    return { data: r.data as string, offset: r.offset as number, done: r.done as boolean };
  }

  /** The job's log so far. */
  async getJobLogs(submissionId: string): Promise<string> {
    let out = '';
    for await (const piece of this.tailJobLogs(submissionId, { follow: false })) out += piece;
    return out;
  }

  /**
   * The job's log in pieces as it grows; ends when the job has ended and all of it was
   * read (or, with `follow: false`, at the end of what there is now).
   */
  async *tailJobLogs(submissionId: string, o: { follow?: boolean; pollMs?: number; signal?: AbortSignal } = {}): AsyncIterable<string> {
    const { follow = true, pollMs = 200, signal } = o;
    let offset = 0;
    for (;;) {
      signal?.throwIfAborted();
      const c = await this.getJobLogsChunk(submissionId, offset);
      const grew = c.offset > offset;
      offset = c.offset;
      if (c.data) yield c.data;
      if (c.done) return;
      if (!grew) {
        if (!follow) return;
        await new Promise((r) => setTimeout(r, pollMs));
      }
    }
  }

  /** Waits until the job has ended; resolves with its final record. */
  async waitForJob(submissionId: string, o: { pollMs?: number; timeoutMs?: number } = {}): Promise<JobInfo> {
    const { pollMs = 200, timeoutMs = Infinity } = o;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.getJobInfo(submissionId);
      if (isTerminal(job.status)) return job;
      if (Date.now() >= deadline) throw new JobSubmissionError(`Job '${submissionId}' is still ${job.status} after ${timeoutMs} ms.`, { submissionId });
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Closes the connection. */
  close(): void {
    this.link.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  private async upload(dir: string, excludes: string[] | undefined): Promise<string> {
    const packed = await packWorkingDir(dir, { excludes });
    const have = await this.call({ t: 'gcs.kvExists', key: packed.uri });
    if (!have.exists) await this.call({ t: 'gcs.kvPut', key: packed.uri, value: packed.bytes }, null);
    return packed.uri;
  }

  private async call(msg: Msg, timeoutMs: number | null = REQUEST_TIMEOUT_MS): Promise<Msg> {
    const r = await this.link.request(msg, timeoutMs ?? undefined);
    if (r.error) throw new JobSubmissionError(String(r.error), { submissionId: typeof msg.submissionId === 'string' ? msg.submissionId : undefined });
    return r;
  }
}
