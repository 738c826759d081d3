/**
 * The actor that runs one trial. The driver calls `start(...)`, then `next(decision)` in a
 * loop: `next` hands the previous report its decision (continue or stop) and waits for the
 * trial's next event — a result, the end, or an error. So `tune.report()` inside the
 * trainable resolves only once the driver has decided on that result, and a stopped trial
 * stops at the report the scheduler stopped it on.
 */
import * as ray from '@ray-ts/core';
import { TuneError } from '../errors.js';
import { Checkpoint } from '../trainable/checkpoint.js';
import { runWithSession, type TrialContext } from '../trainable/session.js';
import type { TrainableClass, TrainableFunction } from '../trainable/trainable.js';
import type { TrainerTrialFunction, TrainerTrialSession } from '../trainable/trainer.js';
import { loadTrainable, type TrainableSpec } from '../trainable/trainable-spec.js';

/** What the trial did next. */
export type TrialEvent =
  | { type: 'result'; metrics: Record<string, unknown>; checkpoint?: Record<string, unknown>; timeThisIterS: number }
  | { type: 'done' }
  | { type: 'error'; error: unknown };

/** Everything a trial actor needs to run its trial. */
export interface TrialStart {
  spec: TrainableSpec;
  config: Record<string, unknown>;
  checkpoint?: Record<string, unknown>;
  context: TrialContext;
  /** Class trainables: save a checkpoint every this many steps (0: never). */
  checkpointFrequency: number;
}

/** Thrown inside the trainable (from `report`) when the driver stops the trial. */
class TrialStopped extends Error {}

async function runClass(Cls: TrainableClass, start: TrialStart, report: (m: Record<string, unknown>, c?: Checkpoint) => Promise<void>): Promise<void> {
  const inst = new Cls();
  try {
    await inst.setup?.(start.config);
    if (start.checkpoint && inst.loadCheckpoint) await inst.loadCheckpoint(start.checkpoint);
    for (let i = 1; ; i++) {
      const metrics = await inst.step();
      if (metrics === null || typeof metrics !== 'object') throw new TypeError(`${Cls.name}.step() must return an object of metrics`);
      const save = inst.saveCheckpoint && start.checkpointFrequency > 0 && (i % start.checkpointFrequency === 0 || metrics.done === true);
      const ckpt = save ? Checkpoint.fromDict(await inst.saveCheckpoint!()) : undefined;
      await report(metrics, ckpt);
      if (metrics.done === true) return;
    }
  } finally {
    await inst.cleanup?.();
  }
}

/** The session object a trainer's trial function gets (checkpoints as plain data). */
function trainerSession(start: TrialStart, report: (m: Record<string, unknown>, c?: Checkpoint) => Promise<void>): TrainerTrialSession {
  return Object.freeze({
    report(metrics: Record<string, unknown>, options: { checkpoint?: Record<string, unknown> } = {}): Promise<void> {
      if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) return Promise.reject(new TypeError('session.report(metrics) needs an object of metrics'));
      let ckpt: Checkpoint | undefined;
      try {
        ckpt = options?.checkpoint === undefined ? undefined : Checkpoint.fromDict(options.checkpoint);
      } catch (err) {
        return Promise.reject(new TypeError(`session.report() options.checkpoint must be plain JSON data: ${(err as Error).message}`));
      }
      return report(metrics, ckpt);
    },
    checkpoint: start.checkpoint ? structuredClone(start.checkpoint) : undefined,
    context: start.context,
  });
}

/** Runs one trial's trainable and streams its reports to the driver (use {@link TrialActor}). */
export class TrialRunner {
  private readonly events: TrialEvent[] = [];
  private wake: (() => void) | undefined;
  private decide: ((stop: boolean) => void) | undefined;
  private last = performance.now();
  /** The driver asked the current trial to stop (whatever the trainable then throws, the trial ended as stopped). */
  private stopAsked = false;

  /** Starts the trainable in the background (again after the previous trial ended: actors are reused). */
  async start(start: TrialStart): Promise<void> {
    this.events.length = 0;
    this.decide = undefined;
    this.stopAsked = false;
    this.last = performance.now();
    const report = (metrics: Record<string, unknown>, checkpoint?: Checkpoint): Promise<void> => {
      if (this.decide) return Promise.reject(new TuneError('tune.report() was called again before the previous call resolved: await each tune.report().'));
      const now = performance.now();
      const timeThisIterS = (now - this.last) / 1000;
      this.last = now;
      const ev: TrialEvent = { type: 'result', metrics: { ...metrics }, timeThisIterS };
      if (checkpoint) ev.checkpoint = checkpoint.toDict();
      return new Promise<void>((resolve, reject) => {
        this.decide = (stop) => (stop ? reject(new TrialStopped('stopped by Tune')) : resolve());
        this.push(ev);
      }).finally(() => (this.last = performance.now()));
    };
    const session = { context: start.context, checkpoint: start.checkpoint ? Checkpoint.fromDict(start.checkpoint) : undefined, report };
    void (async () => {
      try {
        const t = await loadTrainable(start.spec);
        await runWithSession(session, () => {
          if (start.spec.kind === 'class') return runClass(t as TrainableClass, start, report);
          if (start.spec.kind === 'trainer') return (t as TrainerTrialFunction)(start.config, start.spec.trainerArgs, trainerSession(start, report));
          return (t as TrainableFunction)(start.config);
        });
        this.push({ type: 'done' });
      } catch (err) {
        this.push(err instanceof TrialStopped || this.stopAsked ? { type: 'done' } : { type: 'error', error: err });
      }
    })();
  }

  /** Applies the decision on the last result and waits for the next event. */
  async next(decision: 'CONTINUE' | 'STOP' | null): Promise<TrialEvent> {
    if (decision !== null && this.decide) {
      const d = this.decide;
      this.decide = undefined;
      if (decision === 'STOP') this.stopAsked = true;
      d(decision === 'STOP');
    }
    while (this.events.length === 0) await new Promise<void>((r) => (this.wake = r));
    return this.events.shift()!;
  }

  private push(ev: TrialEvent): void {
    this.events.push(ev);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** The remote actor class of {@link TrialRunner}. */
export const TrialActor = ray.remote(TrialRunner);
