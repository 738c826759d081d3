/**
 * Per-env episode bookkeeping for metrics (RLlib's `episode_return_mean`, `episode_len_mean`,
 * ...): running return and length of each env's current episode, and the episodes that
 * completed since the last {@link EpisodeStats.drain}.
 */

/** An episode that ended (terminated or truncated). */
export interface CompletedEpisode {
  /** Index of the env in its vector env. */
  readonly envIndex: number;
  /** Sum of rewards. */
  readonly episodeReturn: number;
  /** Number of steps. */
  readonly length: number;
  /** Ended in a terminal state. */
  readonly terminated: boolean;
  /** Cut short by a time limit (and not terminated). */
  readonly truncated: boolean;
}

/** Aggregates over completed episodes; the means, min and max are NaN when there are none. */
export interface EpisodeSummary {
  readonly numEpisodes: number;
  readonly episodeReturnMean: number;
  readonly episodeReturnMin: number;
  readonly episodeReturnMax: number;
  readonly episodeLenMean: number;
}

/** Running returns/lengths of `numEnvs` envs and the episodes they completed. */
export class EpisodeStats {
  /** Return so far of each env's current episode. */
  readonly currentReturns: Float64Array;
  /** Length so far of each env's current episode. */
  readonly currentLengths: Int32Array;
  private completed: CompletedEpisode[] = [];
  private steps = 0;

  /** @throws RangeError when `numEnvs` is not a positive integer */
  constructor(readonly numEnvs: number) {
    if (!Number.isSafeInteger(numEnvs) || numEnvs <= 0) throw new RangeError(`numEnvs must be a positive integer, got ${String(numEnvs)}`);
    this.currentReturns = new Float64Array(numEnvs);
    this.currentLengths = new Int32Array(numEnvs);
  }

  /** Env steps recorded since creation (steps that were autoresets do not count). */
  get numEnvSteps(): number {
    return this.steps;
  }

  /** Starts a new episode for env `i` (the unfinished one, if any, is dropped). */
  startEpisode(i: number): void {
    this.currentReturns[i] = 0;
    this.currentLengths[i] = 0;
  }

  /** Records one step of env `i`; returns the episode if it ended with this step. */
  record(i: number, reward: number, terminated: boolean, truncated: boolean): CompletedEpisode | undefined {
    this.currentReturns[i]! += reward;
    this.currentLengths[i]! += 1;
    this.steps++;
    if (!terminated && !truncated) return undefined;
    const ep: CompletedEpisode = Object.freeze({
      envIndex: i,
      episodeReturn: this.currentReturns[i]!,
      length: this.currentLengths[i]!,
      terminated,
      truncated: truncated && !terminated,
    });
    this.completed.push(ep);
    this.startEpisode(i);
    return ep;
  }

  /** Number of completed episodes not yet drained. */
  get pending(): number {
    return this.completed.length;
  }

  /** Returns the episodes completed since the last call, and forgets them. */
  drain(): CompletedEpisode[] {
    const out = this.completed;
    this.completed = [];
    return out;
  }

  /** Aggregates a list of completed episodes. */
  static summarize(episodes: readonly CompletedEpisode[]): EpisodeSummary {
    if (episodes.length === 0) {
      return { numEpisodes: 0, episodeReturnMean: NaN, episodeReturnMin: NaN, episodeReturnMax: NaN, episodeLenMean: NaN };
    }
    let sum = 0;
    let len = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const e of episodes) {
      sum += e.episodeReturn;
      len += e.length;
      min = Math.min(min, e.episodeReturn);
      max = Math.max(max, e.episodeReturn);
    }
    const n = episodes.length;
    return { numEpisodes: n, episodeReturnMean: sum / n, episodeReturnMin: min, episodeReturnMax: max, episodeLenMean: len / n };
  }
}
