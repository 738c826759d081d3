/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011, as in hyperopt): after
 * `nInitialPoints` random configs, the completed trials are split by the quantile `gamma` of
 * the metric into good and bad; per parameter, Parzen densities l(x) (good) and g(x) (bad)
 * are fitted over the domain, `nEiCandidates` candidates are drawn from l(x) and the one with
 * the largest l(x)/g(x) (the expected-improvement maximiser) is suggested. Parameters are
 * modelled independently, as in the paper. Seeded: the same seed, space and results give the
 * same suggestions.
 */
import { Rng } from './rng.js';
import { CategoricalParzen, NumericParzen } from './parzen.js';
import type { ResumableSearcher, SearcherSetup } from './searcher.js';
import { buildConfig, getAt, parseSpace, toInternal, toValue, type TpeParam } from './tpe-space.js';

/** Options of {@link TPESearcher}. */
export interface TPESearcherOptions {
  /** Metric to optimise; defaults to tuneConfig.metric. */
  metric?: string;
  /** 'min' or 'max'; defaults to tuneConfig.mode. */
  mode?: 'min' | 'max';
  /** Random configs before the model is used. @default 10 */
  nInitialPoints?: number;
  /** Fraction of observations that count as good (0 < gamma < 1). @default 0.25 */
  gamma?: number;
  /** Candidates drawn from l(x) per parameter. @default 24 */
  nEiCandidates?: number;
  /** Weight of the prior (the whole domain) in each density, relative to one observation. @default 1 */
  priorWeight?: number;
  /** Seed of the random draws. @default random */
  seed?: number;
}

interface Observation {
  /** Per parameter, the internal-scale value (categorical: index). */
  x: number[];
  /** The metric, sign-adjusted so that smaller is better. */
  loss: number;
}

/** TPE search (a model-based searcher). */
export class TPESearcher implements ResumableSearcher {
  private metric: string | undefined;
  private mode: 'min' | 'max' | undefined;
  private readonly nInitial: number;
  private readonly gamma: number;
  private readonly nCandidates: number;
  private readonly priorWeight: number;
  private readonly seed: number;
  private rng: Rng;
  private space: Record<string, unknown> = {};
  private params: TpeParam[] = [];
  private remaining = 0;
  private readonly live = new Map<string, Record<string, unknown>>();
  private observations: Observation[] = [];

  constructor(options: TPESearcherOptions = {}) {
    const o = 'TPESearcher options';
    this.metric = options.metric;
    if (options.mode !== undefined && options.mode !== 'min' && options.mode !== 'max') throw new TypeError(`${o}.mode must be 'min' or 'max', got ${String(options.mode)}`);
    this.mode = options.mode;
    this.nInitial = options.nInitialPoints ?? 10;
    if (!Number.isInteger(this.nInitial) || this.nInitial < 1) throw new RangeError(`${o}.nInitialPoints must be an integer >= 1, got ${this.nInitial}`);
    this.gamma = options.gamma ?? 0.25;
    if (typeof this.gamma !== 'number' || !(this.gamma > 0 && this.gamma < 1)) throw new RangeError(`${o}.gamma must be in (0, 1), got ${this.gamma}`);
    this.nCandidates = options.nEiCandidates ?? 24;
    if (!Number.isInteger(this.nCandidates) || this.nCandidates < 1) throw new RangeError(`${o}.nEiCandidates must be an integer >= 1, got ${this.nCandidates}`);
    this.priorWeight = options.priorWeight ?? 1;
    if (typeof this.priorWeight !== 'number' || !(this.priorWeight > 0)) throw new RangeError(`${o}.priorWeight must be > 0, got ${this.priorWeight}`);
    if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new TypeError(`${o}.seed must be an integer, got ${options.seed}`);
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.rng = new Rng(this.seed);
  }

  /** Parses the space (throws SearchSpaceError for gridSearch/sampleFrom) and takes the metric. */
  setup({ paramSpace, numSamples, metric, mode }: SearcherSetup): void {
    this.metric ??= metric;
    this.mode ??= mode;
    if (!this.metric || !this.mode) throw new TypeError('TPESearcher needs a metric and a mode: set them on the searcher or in tuneConfig');
    this.space = paramSpace;
    this.params = parseSpace(paramSpace);
    this.remaining = numSamples;
  }

  /** The next config: random for the first `nInitialPoints` completed trials, then the TPE proposal. */
  suggest(trialId: string): Record<string, unknown> | null {
    if (this.remaining <= 0) return null;
    this.remaining--;
    const values = this.observations.length < this.nInitial ? this.params.map((p) => this.randomValue(p)) : this.propose();
    const config = buildConfig(this.space, this.params, values);
    this.live.set(trialId, config);
    return config;
  }

  /** Records the trial's metric (errored trials and trials without the metric are skipped). */
  onTrialComplete(trialId: string, result: Record<string, unknown> | undefined, error?: unknown): void {
    const config = this.live.get(trialId);
    this.live.delete(trialId);
    const v = result?.[this.metric!];
    if (!config || error !== undefined || typeof v !== 'number' || Number.isNaN(v)) return;
    this.observations.push({ x: this.params.map((p) => toInternal(p, getAt(config, p.path))), loss: this.mode === 'max' ? -v : v });
  }

  /**
   * The observations, how many configs are left to suggest, and the configs of live trials
   * (a restored sweep reruns those trials itself; their results are then observed).
   */
  save(): unknown {
    return { kind: 'tpe', observations: this.observations, remaining: this.remaining, live: [...this.live] };
  }

  /** Continues from `save()` (the space comes from `setup`, which runs first). */
  restore(state: unknown): void {
    const s = state as { kind?: string; observations?: Observation[]; remaining?: number; live?: [string, Record<string, unknown>][] };
    if (s?.kind !== 'tpe' || !Array.isArray(s.observations)) throw new TypeError('TPESearcher.restore(state) needs the state saved by TPESearcher.save()');
    this.observations = structuredClone(s.observations);
    this.live.clear();
    for (const [id, config] of s.live ?? []) this.live.set(id, structuredClone(config));
    // States saved before `live` was kept counted live trials as remaining.
    this.remaining = s.remaining ?? 0;
    this.rng = new Rng(this.seed + this.observations.length);
  }

  private randomValue(p: TpeParam): unknown {
    if (p.kind === 'categorical') return toValue(p, Math.floor(this.rng.next() * p.values.length));
    return toValue(p, p.lo + this.rng.next() * (p.hi - p.lo));
  }

  /** Per parameter: the candidate from l(x) with the largest l(x)/g(x). */
  private propose(): unknown[] {
    const sorted = [...this.observations].sort((a, b) => a.loss - b.loss);
    const nGood = Math.max(1, Math.ceil(this.gamma * sorted.length));
    const good = sorted.slice(0, nGood);
    const bad = sorted.slice(nGood);
    return this.params.map((p, i) => {
      const known = (x: number) => Number.isFinite(x) && (p.kind === 'numeric' || x >= 0); // a category not in the list: -1
      const gx = good.map((o) => o.x[i]!).filter(known);
      const bx = bad.map((o) => o.x[i]!).filter(known);
      const [l, g] =
        p.kind === 'categorical'
          ? [new CategoricalParzen(gx, p.values.length, this.priorWeight), new CategoricalParzen(bx, p.values.length, this.priorWeight)]
          : [new NumericParzen(gx, p.lo, p.hi, this.priorWeight), new NumericParzen(bx, p.lo, p.hi, this.priorWeight)];
      let best = l.sample(this.rng);
      let bestScore = -Infinity;
      for (let c = 0; c < this.nCandidates; c++) {
        const x = c === 0 ? best : l.sample(this.rng);
        const score = l.logPdf(x) - g.logPdf(x);
        if (score > bestScore) [best, bestScore] = [x, score];
      }
      return toValue(p, best);
    });
  }
}
