/**
 * The metrics `Algorithm.train()` returns each iteration (RLlib's result dict, camelCase),
 * and the window of recent episodes their means are taken over.
 */
import type { SampleResult } from '../env-runner/sample-batch.js';

/** Env runner metrics of one iteration. */
export interface EnvRunnerMetrics {
  /** Mean return over the last `metricsNumEpisodesForSmoothing` episodes (NaN before the first ends). */
  readonly episodeReturnMean: number;
  readonly episodeReturnMin: number;
  readonly episodeReturnMax: number;
  /** Mean length over the same episodes. */
  readonly episodeLenMean: number;
  /** Episodes that ended this iteration. */
  readonly numEpisodes: number;
  readonly numEpisodesLifetime: number;
  /** Env steps sampled this iteration. */
  readonly numEnvStepsSampled: number;
  readonly numEnvStepsSampledLifetime: number;
  /** Env steps each runner returned this iteration (runner order). */
  readonly numEnvStepsSampledPerRunner: readonly number[];
  /** Runners that sampled this iteration. */
  readonly numHealthyEnvRunners: number;
  /** Runners replaced after dying, over the algorithm's life. */
  readonly numEnvRunnerRestarts: number;
}

/** Wall times of one iteration's phases, in milliseconds. */
export interface TrainTimers {
  readonly sampleMs: number;
  readonly learnMs: number;
  readonly syncWeightsMs: number;
  readonly iterationMs: number;
}

/** What `train()` returns. */
export interface TrainResult {
  /** Iterations done, this one included (1-based). */
  readonly trainingIteration: number;
  readonly envRunners: EnvRunnerMetrics;
  /** Learner statistics (PPO: policyLoss, vfLoss, entropy, meanKl, klCoeff, totalLoss; DQN: loss, tdErrorMean, qMean, epsilon, ...). */
  readonly learners: Readonly<Record<string, number>>;
  readonly timers: TrainTimers;
  /** Same as `envRunners.numEnvStepsSampledLifetime` (a top-level copy for stop conditions). */
  readonly numEnvStepsSampledLifetime: number;
  /** Seconds since the algorithm was built (restores continue the count). */
  readonly timeTotalS: number;
  readonly timeThisIterS: number;
}

/** A sliding window of finished episodes. */
export class EpisodeWindow {
  private returns: number[] = [];
  private lengths: number[] = [];
  /** Episodes seen over the algorithm's life. */
  lifetime = 0;

  /** Keeps the last `size` episodes. */
  constructor(private readonly size: number) {}

  /** Adds the episodes of `results`; returns how many ended. */
  add(results: readonly SampleResult[]): number {
    let n = 0;
    for (const r of results) {
      this.returns.push(...r.episodes.returns);
      this.lengths.push(...r.episodes.lengths);
      n += r.episodes.returns.length;
    }
    this.lifetime += n;
    if (this.returns.length > this.size) {
      this.returns = this.returns.slice(-this.size);
      this.lengths = this.lengths.slice(-this.size);
    }
    return n;
  }

  /** Mean/min/max return and mean length (NaN when empty). */
  stats(): { mean: number; min: number; max: number; lenMean: number } {
    if (this.returns.length === 0) return { mean: NaN, min: NaN, max: NaN, lenMean: NaN };
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    return { mean: mean(this.returns), min: Math.min(...this.returns), max: Math.max(...this.returns), lenMean: mean(this.lengths) };
  }

  /** Plain data for checkpoints. */
  toJSON(): { returns: number[]; lengths: number[]; lifetime: number } {
    return { returns: this.returns, lengths: this.lengths, lifetime: this.lifetime };
  }

  /** Restores from {@link toJSON}'s data. */
  load(data: { returns: number[]; lengths: number[]; lifetime: number }): void {
    this.returns = [...data.returns];
    this.lengths = [...data.lengths];
    this.lifetime = data.lifetime;
  }
}
