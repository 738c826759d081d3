/**
 * Trainers as trainables (Ray's `Tuner(trainer, param_space={"train_loop_config": ...})`),
 * structurally: Tune does not import Train. A trainer object that has a
 * `tuneTrainable()` method ({@link TunableTrainer}) can be given to `new Tuner(...)`; each
 * trial then runs the function it names, in the trial actor, with the trial's config.
 *
 * ## The contract (for trainer authors)
 *
 * `tuneTrainable()` is called on the driver (by the `Tuner` constructor and again by `fit()`,
 * so it must have no side effects) and returns a {@link TrainerTrainable}:
 *
 * - `run`: an **exported** function of the ES module whose URL is `module` (pass
 *   `import.meta.url` of the module that exports it). Trial actors are other processes: they
 *   import `module` (through core's `findExport`/`loadExport`, like any trainable) and call
 *   the export named as `run` is exported. The same function object must be the export
 *   (found by identity), e.g. `export async function runTrainerTrial(...)`.
 * - `args`: plain data (or a promise of it, awaited by `fit()`) describing the trainer (its options, and core `ExportRef`s of the
 *   user's own functions such as the train loop — find them on the driver with
 *   `ray.findExport`, as Train does for its workers). It is sent to the trial actor and
 *   passed to `run` as-is; it must survive core's serialization (no functions, no class
 *   instances), unless `runInDriver`. @default undefined
 * - `resources`: what each trial's actor holds (`{ CPU, GPU }`). The trial actor only
 *   drives the run; workers the trainer starts reserve their own resources, so `{ CPU: 0 }`
 *   is usual (else the actors of concurrent trials can hold the CPUs the workers wait for).
 *   `tune.withResources(trainer, ...)` overrides it. @default { CPU: 1, GPU: 0 }
 * - `cpusPerTrial`: the CPUs one trial uses in all (its actor and its workers, e.g.
 *   `numWorkers * cpusPerWorker`); the default `maxConcurrentTrials` is the cluster's CPUs
 *   divided by it. @default resources.CPU
 * - `runInDriver`: run `run` in the driver process (the one that called `Tuner.fit()`)
 *   instead of a trial actor. `args` is then passed to `run` as it is, never serialized, so
 *   it may hold objects that cannot cross processes (Train passes its Data datasets, whose
 *   plans hold user functions). Only for a `run` that drives remote work (a trainer's workers)
 *   and does little itself: trials share the driver's event loop, hold no resources of their
 *   own (`resources` is ignored), and a run that ignores a stop cannot be killed (it is
 *   dropped; end it when `report` rejects). @default false
 *
 * In the trial actor Tune calls `run(config, args, session)` and awaits it:
 *
 * - `config` is the trial's config drawn from `paramSpace`. By Ray's convention the
 *   trainer merges `config.trainLoopConfig` over its own train loop config (other keys are
 *   the trainer's to interpret or ignore).
 * - `session.report(metrics, { checkpoint })` reports one result (Train: once per report
 *   of rank 0); it resolves when Tune lets the trial go on. `checkpoint` is plain JSON data
 *   (e.g. `{ path: checkpoint.path }` of a Train checkpoint); Tune saves it with the result.
 *   Await each call before the next.
 * - When a scheduler or stop criterion stops the trial, `report` **rejects**. End the run
 *   then (shut the workers down) — within a second, else the trial actor is killed. Once a
 *   stop was asked, whatever `run` then throws or returns, the trial ends as stopped
 *   (TERMINATED); errors thrown otherwise mark it ERROR (with the error as `cause`).
 * - `session.checkpoint` is the checkpoint data the trial restarts from (after
 *   `Tuner.restore`, a HyperBand/PBT pause, or PBT's exploit), else undefined: resume
 *   the run from it.
 * - `session.context` gives `trialId`, `experimentName` and `trialDir`; a trainer may
 *   keep its own run directory (checkpoints, logs) under `trialDir`.
 */
import type { TrialContext } from './session.js';
import type { TrialResources } from './trainable.js';

/** What a trainer's trial function reports through (see the module docs). */
export interface TrainerTrialSession {
  /** Reports a result; resolves when the trial may go on, rejects when Tune stops it. */
  report(metrics: Record<string, unknown>, options?: { checkpoint?: Record<string, unknown> }): Promise<void>;
  /** Checkpoint data the trial (re)starts from, or undefined on a fresh start. */
  readonly checkpoint: Record<string, unknown> | undefined;
  /** The trial's id, experiment name and directory. */
  readonly context: TrialContext;
}

/** The function a trial runs for a trainer: exported from {@link TrainerTrainable.module}. */
export type TrainerTrialFunction<A = any> = (config: Record<string, any>, args: A, session: TrainerTrialSession) => unknown;

/** How Tune runs a trainer's trials (returned by {@link TunableTrainer.tuneTrainable}). */
export interface TrainerTrainable<A = unknown> {
  /** The trial function; must be an export of `module`. */
  readonly run: TrainerTrialFunction<A>;
  /** URL of the ES module that exports `run` (`import.meta.url`). */
  readonly module: string;
  /** Plain data passed to `run` in the trial actor, or a promise of it (awaited by `fit()`). @default undefined */
  readonly args?: A | Promise<A>;
  /** Each trial actor's resources. @default { CPU: 1, GPU: 0 } */
  readonly resources?: TrialResources;
  /** CPUs one trial uses in all (actor and workers), for the default maxConcurrentTrials. @default resources.CPU */
  readonly cpusPerTrial?: number;
  /** Run `run` in the driver process with `args` as they are (not serialized); see the module docs. @default false */
  readonly runInDriver?: boolean;
}

/** A trainer that Tune can run as trials: `new Tuner(trainer, { paramSpace: { trainLoopConfig: {...} } })`. */
export interface TunableTrainer {
  /** Describes the trials' function (no side effects; called on the driver). `args` is typed by the trainer. */
  tuneTrainable(): TrainerTrainable<any>;
}

/** True when `x` is an object with a `tuneTrainable` method. */
export function isTunableTrainer(x: unknown): x is TunableTrainer {
  return x !== null && typeof x === 'object' && typeof (x as TunableTrainer).tuneTrainable === 'function';
}

/**
 * Calls `trainer.tuneTrainable()` and checks what it returns.
 * @throws TypeError naming the bad field
 */
export function trainerTrainable(trainer: TunableTrainer): TrainerTrainable<unknown> {
  const name = trainer.constructor?.name && trainer.constructor.name !== 'Object' ? trainer.constructor.name : 'trainer';
  const t = trainer.tuneTrainable();
  const field = `${name}.tuneTrainable()`;
  if (t === null || typeof t !== 'object') throw new TypeError(`${field} must return { run, module, args?, resources? }`);
  if (typeof t.run !== 'function') throw new TypeError(`${field}.run must be an exported function (config, args, session) => ...`);
  if (typeof t.module !== 'string' || !t.module.startsWith('file:')) {
    throw new TypeError(`${field}.module must be the file: URL of the module that exports run (import.meta.url), got ${String(t.module)}`);
  }
  if (t.resources !== undefined && (t.resources === null || typeof t.resources !== 'object')) throw new TypeError(`${field}.resources must be { CPU?, GPU? }`);
  if (t.runInDriver !== undefined && typeof t.runInDriver !== 'boolean') throw new TypeError(`${field}.runInDriver must be a boolean, got ${typeof t.runInDriver}`);
    if (t.cpusPerTrial !== undefined && !(typeof t.cpusPerTrial === 'number' && t.cpusPerTrial > 0)) throw new RangeError(`${field}.cpusPerTrial must be a number > 0, got ${String(t.cpusPerTrial)}`);
  return t;
}
