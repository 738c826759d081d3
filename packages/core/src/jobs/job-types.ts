/**
 * Job submission (Ray's `ray job submit`): what a job is, and the messages between a
 * client (the `ray-ts job` CLI) and the head's {@link JobManager}. A job is a driver
 * program started by the head on its own machine, with its logs kept by the head.
 */
import { RayError, registerErrorClass } from '../errors.js';

/** Where a job is in its life, as in Ray. */
export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';

/** Statuses a job never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED', 'STOPPED']);

/** True once a job has ended. */
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** A job as the head records it (table `jobs` of the head's store). */
export interface JobInfo {
  /** `raysubmit_<16 chars>`, or the id given at submission. */
  submissionId: string;
  status: JobStatus;
  /** The command run, as argv (a leading `node` runs the head's own Node binary). */
  entrypoint: string[];
  /** `wd://` URI of the working directory package, when one was given. */
  workingDir?: string;
  /** Environment variables of the driver and of every task and actor it starts. */
  envVars?: Record<string, string>;
  /** Free-form labels given at submission. */
  metadata?: Record<string, string>;
  /** When the job was submitted (ms since the epoch). */
  startTime: number;
  /** When it ended (ms since the epoch). */
  endTime?: number;
  /** Exit code of the driver process (null when a signal ended it). */
  driverExitCode?: number | null;
  /** Process id of the driver on the head machine. */
  driverPid?: number;
  /** Why the job is in its status (failures, stops). */
  message?: string;
  /** The driver's stdout and stderr, on the head machine. */
  logFile?: string;
}

/** `gcs.jobSubmit`: start a job. Answer: `{ submissionId }`. */
export interface JobSubmitRequest {
  entrypoint: string[];
  /** A `wd://` URI already stored with `gcs.kvPut`. */
  workingDir?: string;
  envVars?: Record<string, string>;
  submissionId?: string;
  metadata?: Record<string, string>;
}

/** `gcs.jobLogs` answer: the log from `offset` (bytes), the offset to ask for next, and whether the log is complete. */
export interface JobLogsChunk {
  data: string;
  offset: number;
  done: boolean;
}

/** A job request failed: unknown submission id, a bad request, or a job that cannot start. */
export class JobSubmissionError extends RayError {
  override readonly code = 'JOB_SUBMISSION';
  /** The job concerned, when there is one. */
  readonly submissionId: string | undefined;
  constructor(message: string, options: { submissionId?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.submissionId = options.submissionId;
  }
}
registerErrorClass(JobSubmissionError);
