/**
 * The process's connection to ray-ts: set by init() in a driver and by the worker
 * entry in a worker.
 */
import { NotInitializedError } from '../errors.js';
import type { NodeManager } from '../node/node-manager.js';
import type { CoreWorker } from '../runtime/core-worker.js';

/** The live runtime of this process. */
export interface RuntimeState {
  core: CoreWorker;
  /** The in-process node (embedded local cluster). */
  node?: NodeManager;
  namespace: string;
  jobId: string;
  workerId: string;
  /** Actor hosted by this worker, if any. */
  actor?: { actorId: string; restarted: boolean; resources: Record<string, number> };
}

let state: RuntimeState | undefined;

/** Sets (or clears) the runtime. @internal */
export function setState(s: RuntimeState | undefined): void {
  state = s;
}

/** The runtime, or undefined before init(). */
export function currentState(): RuntimeState | undefined {
  return state;
}

/** The runtime; throws NotInitializedError before init(). */
export function requireState(what: string): RuntimeState {
  if (!state) throw new NotInitializedError(what);
  return state;
}

/** True inside a worker process. */
export function isWorkerProcess(): boolean {
  return process.env.RAY_TS_WORKER === '1';
}
