/**
 * The train worker actor: joins the run's collective group, sets up the framework
 * (e.g. the tfjs backend), runs the user's training loop and hands its reports to the
 * trainer, which long-polls them. One per worker of a run.
 */
import * as ray from '@ray-ts/core';
import { barrier } from '../collective/index.js';
import { TrainLoopNotFoundError } from '../errors.js';
import { WorkerSession, setActiveSession, type SessionInit, type WorkerEvent } from '../session/worker-session.js';
import { setupFramework, type FrameworkSetup } from './frameworks.js';

/** What a worker tells the trainer about itself after setup. */
export interface WorkerInfo {
  readonly nodeId: string;
  readonly gpuIds: number[];
  readonly pid: number;
}

/** The worker's implementation (an actor through {@link TrainWorker}). */
export class TrainWorkerImpl {
  private session: WorkerSession | undefined;

  /** Joins the collective group the driver made (returns once every worker joined) and sets up the framework. */
  async setup(args: { groupName: string | undefined; framework: FrameworkSetup | undefined }): Promise<WorkerInfo> {
    if (args.groupName !== undefined) await barrier(args.groupName);
    const ctx = ray.getRuntimeContext();
    const info: WorkerInfo = { nodeId: ctx.nodeId, gpuIds: ctx.getGpuIds(), pid: process.pid };
    if (args.framework) await setupFramework(args.framework, info.gpuIds);
    return info;
  }

  /** Loads the training loop and starts it; returns once it is running. */
  async start(loop: ray.ExportRef, config: unknown, init: SessionInit): Promise<void> {
    let fn: unknown;
    try {
      fn = await ray.loadExport(loop);
    } catch (err) {
      throw new TrainLoopNotFoundError(loop.name, err instanceof ray.ExportLookupError ? err.detail : String(err), { cause: err });
    }
    if (typeof fn !== 'function') throw new TrainLoopNotFoundError(loop.name, `the export '${loop.exportName}' is not a function`);
    const session = new WorkerSession(init);
    this.session = session;
    setActiveSession(session);
    void (async () => {
      try {
        await (fn as (c: unknown) => unknown)(config);
        session.finish();
      } catch (error) {
        session.finish({ error });
      } finally {
        setActiveSession(undefined);
      }
    })();
  }

  /** The loop's next reports (waits for at least one); throws the loop's error at its end. */
  async poll(): Promise<WorkerEvent[]> {
    if (!this.session) throw new Error('poll() before start()');
    return this.session.poll();
  }
}

/** The train worker actor class. */
export const TrainWorker = ray.remote(TrainWorkerImpl);
