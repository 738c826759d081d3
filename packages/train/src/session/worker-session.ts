/**
 * The state of a training loop in its worker: what report() queues for the trainer,
 * the dataset shards, the checkpoint to resume from. One per worker process (a train
 * worker actor runs one loop at a time).
 */
import type { DataIterator, S3Options } from '@ray-ts/data';
import { Checkpoint } from '../checkpoint/checkpoint.js';
import { RunStorage } from '../storage/run-storage.js';
import { TrainSessionError } from '../errors.js';
import { setCurrentSession, type SessionInfo } from './current.js';

/** What a worker tells the trainer. */
export type WorkerEvent =
  | { type: 'report'; index: number; metrics: Record<string, unknown>; checkpointPath?: string }
  | { type: 'done' };

/** What the trainer sends a worker to start a loop. */
export interface SessionInit extends SessionInfo {
  readonly experimentName: string;
  /** Run directory (local or s3://). */
  readonly runPath: string;
  readonly s3: S3Options | undefined;
  /** Index of this attempt's first report among all reports of the run (checkpoint directory numbering). */
  readonly reportBase: number;
  /** The checkpoint to resume from. */
  readonly checkpoint: { path: string } | undefined;
  readonly datasets: Record<string, DataIterator>;
}

/** Zero-padded checkpoint directory name, as Ray names them. */
export function checkpointDirName(index: number): string {
  return `checkpoint_${String(index).padStart(6, '0')}`;
}

/** A loop's session in its worker. */
export class WorkerSession {
  private readonly events: WorkerEvent[] = [];
  private waiter: (() => void) | undefined;
  private reports = 0;
  private failure: { error: unknown } | undefined;
  private readonly storage: RunStorage;
  readonly checkpoint: Checkpoint | undefined;

  constructor(readonly init: SessionInit) {
    this.storage = new RunStorage(init.runPath, init.s3);
    this.checkpoint = init.checkpoint ? Checkpoint.fromDirectory(init.checkpoint.path, { s3: init.s3 }) : undefined;
    setCurrentSession(init);
  }

  /** Persists the report's checkpoint (if any) into the run directory and queues the report. */
  async report(metrics: Record<string, unknown>, checkpoint: Checkpoint | undefined): Promise<void> {
    if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) throw new TrainSessionError('report() metrics must be a plain object, e.g. report({ loss })');
    if (checkpoint !== undefined && !(checkpoint instanceof Checkpoint)) throw new TrainSessionError('report() options.checkpoint must be a Checkpoint (Checkpoint.fromDirectory or Checkpoint.fromModel)');
    const index = this.init.reportBase + this.reports++;
    let checkpointPath: string | undefined;
    if (checkpoint) {
      checkpointPath = this.storage.join(checkpointDirName(index));
      if (checkpoint.path !== checkpointPath) await this.storage.uploadDir(checkpoint.path, checkpointPath);
    }
    this.push({ type: 'report', index, metrics: structuredClone(metrics), ...(checkpointPath ? { checkpointPath } : {}) });
  }

  /** Marks the loop finished (returned or threw). */
  finish(error?: { error: unknown }): void {
    if (error) this.failure = error;
    else this.push({ type: 'done' });
    this.wake();
    setCurrentSession(undefined);
  }

  /** Waits for events, and returns those queued; throws the loop's error once the queue is drained. */
  async poll(): Promise<WorkerEvent[]> {
    while (this.events.length === 0 && !this.failure) await new Promise<void>((r) => (this.waiter = r));
    if (this.events.length > 0) return this.events.splice(0);
    throw this.failure!.error;
  }

  private push(e: WorkerEvent): void {
    this.events.push(e);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

let active: WorkerSession | undefined;

/** @internal Sets the session of this process. */
export function setActiveSession(s: WorkerSession | undefined): void {
  active = s;
}

/** The session of this process. @throws TrainSessionError outside a training loop */
export function activeSession(what: string): WorkerSession {
  if (!active) throw new TrainSessionError(`${what} must be called inside a training loop run by a trainer (DataParallelTrainer.fit())`);
  return active;
}
