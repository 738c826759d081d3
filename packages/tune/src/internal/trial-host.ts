/**
 * Where a trial runs: a {@link TrialRunner} in a trial actor (the usual place), or, for a
 * trainer whose `tuneTrainable()` says `runInDriver`, a runner in the driver process (its
 * `args` then need not survive serialization: e.g. Data datasets, whose plans hold
 * functions). The controller drives both the same way: `start`, then `next(decision)`.
 */
import * as ray from '@ray-ts/core';
import type { TrialResources } from '../trainable/trainable.js';
import { TrialActor, TrialRunner, type TrialEvent, type TrialStart } from './trial-actor.js';

/** One place trials run in, reused for the next trial when its trial ended cleanly. */
export interface TrialHost {
  /** Starts a trial's trainable. */
  start(start: TrialStart): Promise<void>;
  /** Hands the previous result its decision and waits for the next event (rejects after `timeoutMs`). */
  next(decision: 'CONTINUE' | 'STOP' | null, timeoutMs?: number): Promise<TrialEvent>;
  /** Frees the host (kills the actor; a driver-side runner is dropped). */
  kill(): void;
}

/** A trial actor holding the trial's resources. */
class ActorTrialHost implements TrialHost {
  private readonly actor: ray.ActorHandle<TrialRunner>;

  constructor(resources: Required<TrialResources>) {
    this.actor = TrialActor.options({ numCpus: resources.CPU, numGpus: resources.GPU, maxRestarts: 0 }).remote();
  }

  async start(start: TrialStart): Promise<void> {
    await ray.get(this.actor.start.remote(start));
  }

  async next(decision: 'CONTINUE' | 'STOP' | null, timeoutMs?: number): Promise<TrialEvent> {
    return (await ray.get(this.actor.next.remote(decision), timeoutMs === undefined ? {} : { timeout: timeoutMs })) as TrialEvent;
  }

  kill(): void {
    try {
      ray.kill(this.actor);
    } catch {
      /* already gone, or the cluster is shut down */
    }
  }
}

/**
 * A runner in the driver process. It holds no resources (the trainer's workers hold
 * theirs). A run that does not end within the stop timeout cannot be killed: it is
 * dropped, and ends when its trainer notices the stop (Train's fit aborts its workers).
 */
class DriverTrialHost implements TrialHost {
  private readonly runner = new TrialRunner();

  start(start: TrialStart): Promise<void> {
    return this.runner.start(start);
  }

  next(decision: 'CONTINUE' | 'STOP' | null, timeoutMs?: number): Promise<TrialEvent> {
    const ev = this.runner.next(decision);
    if (timeoutMs === undefined) return ev;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the trial did not end within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([ev, late]).finally(() => clearTimeout(timer));
  }

  kill(): void {
    /* nothing to free: the runner is dropped with this host */
  }
}

/** A host for one trial: in the driver when `inDriver`, else a trial actor with `resources`. */
export function createTrialHost(resources: Required<TrialResources>, inDriver: boolean): TrialHost {
  return inDriver ? new DriverTrialHost() : new ActorTrialHost(resources);
}
