/**
 * The env runners of an algorithm (RLlib's EnvRunnerGroup): a local runner in the driver
 * when `numEnvRunners` is 0, else one actor per runner. Broadcasts weights with one
 * `ray.put` per version (the same ref goes to every runner) and replaces a runner whose
 * process died, then asks the new one for the missing samples, so training goes on.
 */
import * as ray from '@ray-ts/core';
import { EnvRunnerFailedError } from '../errors.js';
import { EnvRunner, type EnvRunnerSpec, type SampleOptions } from './env-runner.js';
import { EnvRunnerActor, type EnvRunnerHandle } from './env-runner-actor.js';
import type { SampleResult } from './sample-batch.js';

/** Settings of the group. */
export interface EnvRunnerGroupOptions {
  readonly numEnvRunners: number;
  /** CPUs each runner actor holds. */
  readonly numCpusPerEnvRunner: number;
  /** Replacements allowed over the algorithm's life (-1: unlimited). */
  readonly maxEnvRunnerRestarts: number;
}

function died(err: unknown): boolean {
  return err instanceof ray.RayActorError || err instanceof ray.WorkerCrashedError;
}

/** Runs sampling on the local runner or on the actors. */
export class EnvRunnerGroup {
  private readonly local: EnvRunner | undefined;
  private readonly actors: EnvRunnerHandle[] = [];
  private weightsRef: ray.ObjectRef<Float32Array> | undefined;
  private weights: Float32Array | null = null;
  private version = -1;
  /** Runners replaced so far. */
  restarts = 0;

  /** Creates the runners (actors start at once; the local runner sets up on its first sample). */
  constructor(private readonly specOf: (index: number) => EnvRunnerSpec, private readonly options: EnvRunnerGroupOptions) {
    if (options.numEnvRunners === 0) this.local = new EnvRunner(specOf(0));
    else for (let i = 1; i <= options.numEnvRunners; i++) this.actors.push(this.start(i));
  }

  private start(index: number): EnvRunnerHandle {
    return EnvRunnerActor.options({ numCpus: this.options.numCpusPerEnvRunner }).remote(this.specOf(index));
  }

  /** Handles of the runner actors (index i is runner i + 1); empty when sampling locally. */
  get handles(): readonly EnvRunnerHandle[] {
    return this.actors;
  }

  /** Number of runners that sample (1 for the local runner). */
  get size(): number {
    return this.local ? 1 : this.actors.length;
  }

  /** Sets the weights the next samples use: one `ray.put`, the ref shared by all runners. */
  syncWeights(weights: Float32Array, version: number): void {
    this.weights = weights;
    this.version = version;
    this.weightsRef = this.local ? undefined : ray.put(weights);
  }

  /** One `sample()` from every runner, in runner order; a dead runner is replaced and asked again. */
  async sample(options: SampleOptions): Promise<SampleResult[]> {
    if (this.local) return [await this.local.sample(this.weights, this.version, options)];
    const call = (i: number) => ray.get(this.actors[i]!.sample.remote(this.weightsRef ?? null, this.version, options)) as Promise<SampleResult>;
    const settled = await Promise.allSettled(this.actors.map((_, i) => call(i)));
    const out: SampleResult[] = [];
    for (let i = 0; i < settled.length; i++) {
      const s = settled[i]!;
      if (s.status === 'fulfilled') {
        out.push(s.value);
        continue;
      }
      out.push(await this.retry(i, s.reason, call));
    }
    return out;
  }

  private async retry(i: number, reason: unknown, call: (i: number) => Promise<SampleResult>): Promise<SampleResult> {
    let last = reason;
    for (;;) {
      const max = this.options.maxEnvRunnerRestarts;
      if (!died(last) || (max !== -1 && this.restarts >= max)) throw new EnvRunnerFailedError(i + 1, this.restarts, last);
      this.replace(i);
      try {
        return await call(i);
      } catch (err) {
        last = err;
      }
    }
  }

  private replace(i: number): void {
    try {
      ray.kill(this.actors[i]!);
    } catch {
      /* already gone */
    }
    this.restarts++;
    process.stderr.write(`[ray-ts rllib] env runner ${i + 1} died; starting a replacement (restart ${this.restarts})\n`);
    this.actors[i] = this.start(i + 1);
  }

  /** Stops the runners. */
  stop(): void {
    this.local?.close();
    for (const a of this.actors) {
      try {
        ray.kill(a);
      } catch {
        /* already gone */
      }
    }
    this.actors.length = 0;
  }
}
