/**
 * Runs fused map stages on a pool of actors: each actor constructs the user's class
 * once (with `fnConstructorArgs`) and then processes the bundles it is given. The pool
 * starts at `min` actors and grows to `max` while every actor is busy and input waits.
 */
import * as ray from '@ray-ts/core';
import { MapWorker } from '../remote-fns.js';
import type { StageSpec } from '../stages.js';
import { toDataError } from '../task-stream.js';
import type { PhysicalOperator } from './operator.js';
import { inputReady, StreamingTaskOperator, takeBundles, type TaskResources } from './task-operator.js';

interface PoolActor {
  handle: ray.ActorHandle<InstanceType<typeof MapWorker.cls>>;
  inFlight: number;
  /** Calls given so far (ties of `inFlight` go to the actor with fewer). */
  calls: number;
}

/** A map operator on an actor pool. */
export class ActorPoolMapOperator extends StreamingTaskOperator {
  private readonly actors: PoolActor[] = [];

  constructor(
    name: string,
    input: PhysicalOperator,
    private readonly stages: readonly StageSpec[],
    private readonly resources: TaskResources,
    private readonly min: number,
    private readonly max: number,
    private readonly minRows: number,
  ) {
    super(name, [input]);
  }

  private perActor(): number {
    return Math.max(1, this.env.ctx.executionOptions.maxTasksInFlightPerActor);
  }

  private addActor(): void {
    const handle = MapWorker.options({
      numCpus: this.resources.numCpus,
      numGpus: this.resources.numGpus,
      maxConcurrency: this.perActor(),
    }).remote([...this.stages]);
    const a: PoolActor = { handle, inFlight: 0, calls: 0 };
    this.actors.push(a);
    ray.get(handle.ready.remote()).catch((err) => {
      if (!this.env.closing && !this.isStopped) this.env.fail(toDataError(this.name, err));
    });
  }

  override async start(): Promise<void> {
    for (let i = 0; i < this.min; i++) this.addActor();
  }

  /** Actors in the pool. */
  get poolSize(): number {
    return this.actors.length;
  }

  canLaunch(): boolean {
    if (!inputReady(this, this.queues[0]!, this.minRows)) return false;
    if (this.actors.some((a) => a.inFlight < this.perActor())) return true;
    return this.actors.length < this.max;
  }

  launch(): void {
    if (this.actors.length < this.max && this.actors.every((a) => a.inFlight > 0)) this.addActor();
    let best = this.actors[0]!;
    for (const a of this.actors) if (a.inFlight < best.inFlight || (a.inFlight === best.inFlight && a.calls < best.calls)) best = a;
    const inputs = takeBundles(this.queues[0]!, this.minRows);
    best.inFlight++;
    best.calls++;
    const gen = best.handle.process.remote(
      { targetRows: this.env.ctx.targetBlockRows, targetBytes: 64 * 1024 * 1024, minBytes: this.env.ctx.targetMinBlockBytes },
      ...inputs.map((b) => b.ref),
    ) as unknown as ray.ObjectRefGenerator<unknown>;
    this.track(gen, inputs, () => best.inFlight--);
  }

  override estimatedTaskOutputBytes(): number {
    return super.estimatedTaskOutputBytes() || (this.queues[0]![0]?.meta.sizeBytes ?? 0);
  }

  protected override onShutdown(): void {
    super.onShutdown();
    for (const a of this.actors.splice(0)) {
      try {
        ray.kill(a.handle);
      } catch {
        /* already dead */
      }
    }
  }

  /** Kills the actors once all work is done. */
  override isComplete(): boolean {
    const done = super.isComplete();
    if (done && this.actors.length) this.onShutdown();
    return done;
  }
}
