/**
 * Ray's ConcurrencyLimiter: wraps a searcher so that at most `maxConcurrent` of its trials
 * are live at once (suggested and not yet completed). Model-based searchers learn from
 * completed trials, so fewer trials in flight means better-informed suggestions.
 */
import { isResumable, SUGGEST_LATER, type ResumableSearcher, type Searcher, type SearcherSetup } from './searcher.js';

/** Options of {@link ConcurrencyLimiter}. */
export interface ConcurrencyLimiterOptions {
  /** Live trials at most (an integer >= 1). */
  maxConcurrent: number;
}

/** Limits how many of a searcher's trials run at once. */
export class ConcurrencyLimiter implements ResumableSearcher {
  private live = new Set<string>();
  /** The most trials that were live at once (for tests and logs). */
  maxLiveSeen = 0;
  /** The limit. */
  readonly maxConcurrent: number;

  constructor(
    /** The wrapped searcher. */
    readonly searcher: Searcher,
    options: ConcurrencyLimiterOptions,
  ) {
    if (typeof searcher?.suggest !== 'function') throw new TypeError('ConcurrencyLimiter(searcher) needs a searcher (e.g. new tune.TPESearcher())');
    const m = options?.maxConcurrent;
    if (!Number.isInteger(m) || m < 1) throw new RangeError(`ConcurrencyLimiter options.maxConcurrent must be an integer >= 1, got ${String(m)}`);
    this.maxConcurrent = m;
  }

  /** Sets up the wrapped searcher. */
  setup(setup: SearcherSetup): void {
    this.searcher.setup(setup);
  }

  /** The wrapped searcher's config, or SUGGEST_LATER while `maxConcurrent` trials are live. */
  suggest(trialId: string): Record<string, unknown> | null | typeof SUGGEST_LATER {
    if (this.live.size >= this.maxConcurrent) return SUGGEST_LATER;
    const config = this.searcher.suggest(trialId);
    if (config && config !== SUGGEST_LATER) {
      this.live.add(trialId);
      this.maxLiveSeen = Math.max(this.maxLiveSeen, this.live.size);
    }
    return config;
  }

  /** Frees the trial's place and tells the wrapped searcher. */
  onTrialComplete(trialId: string, result: Record<string, unknown> | undefined, error?: unknown): void {
    this.live.delete(trialId);
    this.searcher.onTrialComplete(trialId, result, error);
  }

  /** The live trials and the wrapped searcher's state (undefined when it cannot save). */
  save(): unknown {
    return { kind: 'concurrencyLimiter', live: [...this.live], searcher: isResumable(this.searcher) ? this.searcher.save() : undefined };
  }

  /** Restores the live trials (a restored sweep reruns them) and the wrapped searcher's state. */
  restore(state: unknown): void {
    const s = state as { kind?: string; live?: string[]; searcher?: unknown } | undefined;
    const inner = s?.kind === 'concurrencyLimiter' ? s.searcher : state; // older states held only the wrapped searcher's
    if (s?.kind === 'concurrencyLimiter') this.live = new Set(s.live ?? []);
    if (isResumable(this.searcher) && inner !== undefined) this.searcher.restore(inner);
  }
}
