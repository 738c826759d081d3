/**
 * The trial side of `tune.report` and `tune.getCheckpoint`: inside a trial actor the
 * running trainable has a session (AsyncLocalStorage), which forwards each report to the
 * driver and waits for its decision (continue, or stop).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TuneError } from '../errors.js';
import { Checkpoint } from './checkpoint.js';

/** Options of {@link report}. */
export interface ReportOptions {
  /** State to save with this result; the trial resumes from it after a restore. @default none */
  checkpoint?: Checkpoint;
}

/** What a trial's trainable sees of its trial. */
export interface TrialContext {
  /** Id of the trial, e.g. `a1b2c_00003`. */
  readonly trialId: string;
  /** Name of the experiment (runConfig.name). */
  readonly experimentName: string;
  /** The trial's directory (`<storagePath>/<name>/<trialId>`). */
  readonly trialDir: string;
}

/** @internal A running trial's link to its actor. */
export interface TrialSession {
  context: TrialContext;
  checkpoint: Checkpoint | undefined;
  report(metrics: Record<string, unknown>, checkpoint: Checkpoint | undefined): Promise<void>;
}

const storage = new AsyncLocalStorage<TrialSession>();

/** @internal Runs `fn` with `session` as the current trial session. */
export function runWithSession<T>(session: TrialSession, fn: () => T): T {
  return storage.run(session, fn);
}

function current(what: string): TrialSession {
  const s = storage.getStore();
  if (!s) throw new TuneError(`${what} was called outside a trial. Call it from a trainable run by Tuner.fit().`);
  return s;
}

/**
 * Reports a result (a flat object of metrics) from a function trainable, optionally with a
 * checkpoint. Resolves when the driver lets the trial go on; when the scheduler or a stop
 * criterion stops the trial, the trainable is ended (report does not return).
 */
export async function report(metrics: Record<string, unknown>, options: ReportOptions = {}): Promise<void> {
  const s = current('tune.report()');
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) throw new TypeError('tune.report(metrics) needs an object of metrics');
  if (options.checkpoint !== undefined && !(options.checkpoint instanceof Checkpoint)) {
    throw new TypeError('tune.report() options.checkpoint must be a Checkpoint (Checkpoint.fromDict({...}))');
  }
  await s.report(metrics, options.checkpoint);
}

/** The checkpoint the trial was (re)started from, or undefined on a fresh start. */
export function getCheckpoint(): Checkpoint | undefined {
  return current('tune.getCheckpoint()').checkpoint;
}

/** The current trial's id, experiment name and directory. */
export function getContext(): TrialContext {
  return current('tune.getContext()').context;
}
