/**
 * What an env runner returns from one `sample()`: columns as typed arrays (they travel
 * through the object store without copying into JS objects), plus the episodes that
 * finished during the call.
 */

/**
 * Experience from one runner. Rows of env `e` are contiguous (`e * fragment + t`), so a
 * learner can walk each env's trajectory backwards.
 */
export interface SampleBatch {
  /** Rows. */
  readonly count: number;
  /** Floats per encoded observation. */
  readonly obsWidth: number;
  /** Encoded observations, `count * obsWidth`. */
  readonly obs: Float32Array;
  /** Discrete: action indices; Box: `count * dim` floats (unclipped samples). */
  readonly actions: Int32Array | Float32Array;
  readonly rewards: Float32Array;
  /** 1 where the step ended the episode in a terminal state (no bootstrapping). */
  readonly terminateds: Uint8Array;
  /** 1 where the step ended the episode by truncation. */
  readonly truncateds: Uint8Array;
  /** PPO: 1 where a trajectory segment ends (episode end, or the end of the fragment). */
  readonly segmentEnds?: Uint8Array;
  /** PPO: log-prob of the action under the sampling policy. */
  readonly logp?: Float32Array;
  /** PPO: value estimate of the observation. */
  readonly vfPreds?: Float32Array;
  /** PPO: value of the next observation at segment ends that are not terminal (else 0). */
  readonly bootstrap?: Float32Array;
  /** DQN: encoded next observation (the final observation at an episode end). */
  readonly nextObs?: Float32Array;
}

/** Episodes that finished during a sample call. */
export interface EpisodeStats {
  readonly returns: number[];
  readonly lengths: number[];
}

/** The result of `EnvRunner.sample()`. */
export interface SampleResult {
  readonly batch: SampleBatch;
  readonly episodes: EpisodeStats;
  /** Env steps taken. */
  readonly envSteps: number;
  /** Process id of the runner (to tell runners apart in tests and metrics). */
  readonly pid: number;
  /** The weights version the runner acted with. */
  readonly weightsVersion: number;
}

/** Concatenates the batches of several runners (rows of each keep their order). */
export function concatBatches(batches: readonly SampleBatch[]): SampleBatch {
  if (batches.length === 1) return batches[0]!;
  const first = batches[0]!;
  const cat = <T extends Float32Array | Int32Array | Uint8Array>(pick: (b: SampleBatch) => T | undefined): T | undefined => {
    const parts = batches.map(pick);
    if (parts.some((p) => p === undefined)) return undefined;
    const Ctor = (parts[0] as T).constructor as new (n: number) => T;
    const out = new Ctor(parts.reduce((s, p) => s + p!.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p! as never, o);
      o += p!.length;
    }
    return out;
  };
  return {
    count: batches.reduce((s, b) => s + b.count, 0),
    obsWidth: first.obsWidth,
    obs: cat((b) => b.obs)!,
    actions: cat((b) => b.actions)!,
    rewards: cat((b) => b.rewards)!,
    terminateds: cat((b) => b.terminateds)!,
    truncateds: cat((b) => b.truncateds)!,
    segmentEnds: cat((b) => b.segmentEnds),
    logp: cat((b) => b.logp),
    vfPreds: cat((b) => b.vfPreds),
    bootstrap: cat((b) => b.bootstrap),
    nextObs: cat((b) => b.nextObs),
  };
}
