/**
 * The interface of search algorithms: they hand out trial configs and may learn from the
 * results. A new searcher (TPE, GP) is a new file implementing {@link Searcher}.
 */

/** What a searcher is told before the sweep starts. */
export interface SearcherSetup {
  /** The param space given to the Tuner. */
  paramSpace: Record<string, unknown>;
  /** How many times to sample the space (grids are repeated this many times). */
  numSamples: number;
  /** The metric to optimise, if any. */
  metric?: string;
  /** Whether the metric is minimised or maximised. */
  mode?: 'min' | 'max';
}

/**
 * What `suggest` returns for "no config right now, ask again after a trial completes"
 * (Ray's `None`, e.g. from {@link ConcurrencyLimiter}); `null` means the search is finished.
 */
export const SUGGEST_LATER: unique symbol = Symbol.for('ray-ts.tune.suggestLater');

/** A search algorithm. */
export interface Searcher {
  /** Called once before the first `suggest`. */
  setup(setup: SearcherSetup): void;
  /** The config of a new trial, `null` when the search is exhausted, or {@link SUGGEST_LATER} to be asked again later. */
  suggest(trialId: string): Record<string, unknown> | null | typeof SUGGEST_LATER;
  /** A trial ended (its last result, or the error it failed with). */
  onTrialComplete(trialId: string, result: Record<string, unknown> | undefined, error?: unknown): void;
}

/** A searcher whose state can be saved in experiment_state.json and restored. */
export interface ResumableSearcher extends Searcher {
  /** JSON-serializable state. */
  save(): unknown;
  /** Restores state returned by `save`. */
  restore(state: unknown): void;
}

/** True when `s` can save and restore its state. */
export function isResumable(s: Searcher): s is ResumableSearcher {
  return typeof (s as ResumableSearcher).save === 'function' && typeof (s as ResumableSearcher).restore === 'function';
}
