/**
 * Population Based Training (Ray's PopulationBasedTraining, Jaderberg et al. 2017). Every
 * `perturbationInterval` (in `timeAttr` units) a trial's score is recorded; a trial in the
 * bottom `quantileFraction` then **exploits** a trial of the top quantile: it is paused,
 * takes that trial's latest checkpoint and a perturbed copy of its config (**explore**), and
 * continues from there (its config in the results is the new one). Trials also pause at a
 * perturbation point while others wait to run, so a population larger than
 * `maxConcurrentTrials` takes turns (the one least trained runs next).
 *
 * Trainables must report checkpoints (at least at perturbation points) and start from
 * `tune.getCheckpoint()`. Unlike Ray, an exploiting trial keeps its own `trainingIteration`
 * count (the donor's weights come in, its iteration count does not).
 */
import { Rng } from '../search/rng.js';
import { checkMutations, explore, type Mutation } from './pbt-explore.js';
import { checkMode, checkPositive, checkSaved, savedNumber, type ResumableScheduler, type SchedulerDecision, type TrialControl, type TrialInfo, type TrialResult } from './scheduler.js';

/** Options of {@link PopulationBasedTraining}. */
export interface PopulationBasedTrainingOptions {
  /** Result field that measures progress. @default 'timeTotalS' */
  timeAttr?: string;
  /** Metric to compare; defaults to tuneConfig.metric. */
  metric?: string;
  /** 'min' or 'max'; defaults to tuneConfig.mode. */
  mode?: 'min' | 'max';
  /** Exploit/explore every this many `timeAttr` units. @default 60 */
  perturbationInterval?: number;
  /** No perturbation before this `timeAttr`. @default 0 */
  burnInPeriod?: number;
  /** Per hyperparameter: a list (moves to a neighbour), a domain or a function (resampled, or scaled by 0.8/1.2). @default {} */
  hyperparamMutations?: Record<string, Mutation>;
  /** Fraction of trials in the top and bottom quantiles (0 < q <= 0.5). @default 0.25 */
  quantileFraction?: number;
  /** Probability of resampling a value instead of perturbing it. @default 0.25 */
  resampleProbability?: number;
  /** Factors numeric values are multiplied by. @default [1.2, 0.8] */
  perturbationFactors?: readonly [number, number];
  /** Applied after the mutations: `(config) => newConfig`. @default none */
  customExploreFn?: (config: Record<string, unknown>) => Record<string, unknown>;
  /** Seed of the random choices (donor, perturbations). @default random */
  seed?: number;
}

interface TrialState {
  lastScore: number | undefined;
  lastPerturbationTime: number;
  lastTrainTime: number;
}

/** Population Based Training. */
export class PopulationBasedTraining implements ResumableScheduler {
  private readonly timeAttr: string;
  private metric: string | undefined;
  private mode: 'min' | 'max' | undefined;
  private readonly interval: number;
  private readonly burnIn: number;
  private readonly mutations: Record<string, Mutation>;
  private readonly quantile: number;
  private readonly resample: number;
  private readonly factors: readonly [number, number];
  private readonly customExplore: ((c: Record<string, unknown>) => Record<string, unknown>) | undefined;
  private readonly rng: Rng;
  private state = new Map<string, TrialState>();
  /** Exploits done so far. */
  numPerturbations = 0;

  constructor(options: PopulationBasedTrainingOptions = {}) {
    const o = 'PopulationBasedTraining';
    this.timeAttr = options.timeAttr ?? 'timeTotalS';
    this.metric = options.metric;
    this.mode = checkMode(o, options.mode);
    this.interval = checkPositive(o, 'perturbationInterval', options.perturbationInterval ?? 60);
    this.burnIn = checkPositive(o, 'burnInPeriod', options.burnInPeriod ?? 0, true);
    this.mutations = options.hyperparamMutations ?? {};
    checkMutations(this.mutations);
    this.quantile = options.quantileFraction ?? 0.25;
    if (typeof this.quantile !== 'number' || !(this.quantile > 0 && this.quantile <= 0.5)) throw new RangeError(`${o} options.quantileFraction must be in (0, 0.5], got ${this.quantile}`);
    this.resample = options.resampleProbability ?? 0.25;
    if (typeof this.resample !== 'number' || !(this.resample >= 0 && this.resample <= 1)) throw new RangeError(`${o} options.resampleProbability must be in [0, 1], got ${this.resample}`);
    this.factors = options.perturbationFactors ?? [1.2, 0.8];
    if (!Array.isArray(this.factors) || this.factors.length !== 2 || !this.factors.every((f) => typeof f === 'number' && f > 0)) {
      throw new TypeError(`${o} options.perturbationFactors must be two numbers > 0`);
    }
    if (options.customExploreFn !== undefined && typeof options.customExploreFn !== 'function') throw new TypeError(`${o} options.customExploreFn must be a function`);
    this.customExplore = options.customExploreFn;
    if (!Object.keys(this.mutations).length && !this.customExplore) throw new TypeError(`${o} needs options.hyperparamMutations or options.customExploreFn`);
    if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new TypeError(`${o} options.seed must be an integer, got ${options.seed}`);
    this.rng = new Rng(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  }

  get metricsUsed(): readonly string[] {
    return this.metric ? [this.metric] : [];
  }

  setSearchProperties(metric: string | undefined, mode: 'min' | 'max' | undefined): void {
    this.metric ??= metric;
    this.mode ??= mode;
    if (!this.metric || !this.mode) throw new TypeError('PopulationBasedTraining needs a metric and a mode: set them on the scheduler or in tuneConfig');
  }

  onTrialAdd(trialId: string): void {
    this.trialState(trialId);
  }

  onTrialResult(trialId: string, result: TrialResult, control?: TrialControl): SchedulerDecision {
    const time = Number(result[this.timeAttr]);
    const st = this.trialState(trialId);
    if (time < this.burnIn || time - st.lastPerturbationTime < this.interval) return 'CONTINUE';
    st.lastScore = Number(result[this.metric!]) * (this.mode === 'max' ? 1 : -1);
    st.lastPerturbationTime = time;
    st.lastTrainTime = time;
    if (!control) return 'CONTINUE';
    const { lower, upper } = this.quantiles();
    if (lower.includes(trialId)) {
      const donorId = upper[Math.floor(this.rng.next() * upper.length)]!;
      const donor = control.getTrial(donorId);
      if (donor && donor.checkpointIteration !== undefined) {
        let config = explore(donor.config as Record<string, unknown>, this.mutations, this.rng, { resampleProbability: this.resample, perturbationFactors: this.factors });
        if (this.customExplore) config = this.customExplore(config);
        control.exploit(trialId, donorId, config);
        const ds = this.trialState(donorId);
        st.lastPerturbationTime = ds.lastPerturbationTime;
        st.lastTrainTime = ds.lastTrainTime;
        this.numPerturbations++;
        return 'PAUSE';
      }
    }
    const others = !control.searchFinished() || control.trials().some((t) => t.status === 'PENDING' || t.status === 'PAUSED');
    return others ? 'PAUSE' : 'CONTINUE';
  }

  /** A finished trial leaves the population (as in Ray, it is neither exploited nor copied any more). */
  onTrialComplete(trialId: string): void {
    this.state.delete(trialId);
  }

  /**
   * New trials first (so the whole population exists), then the waiting trial that trained
   * least (so the population advances together).
   */
  chooseTrialToRun(candidates: readonly TrialInfo[], control: TrialControl): string | undefined {
    const pending = candidates.find((c) => c.status === 'PENDING');
    if (pending || !control.searchFinished()) return pending?.trialId;
    let best: TrialInfo | undefined;
    for (const c of candidates) if (!best || this.trialState(c.trialId).lastTrainTime < this.trialState(best.trialId).lastTrainTime) best = c;
    return best?.trialId;
  }

  /** Bottom and top trials by their last recorded score (Ray's `_quantiles`). */
  private quantiles(): { lower: string[]; upper: string[] } {
    const scored = [...this.state.entries()].filter(([, s]) => s.lastScore !== undefined).sort((a, b) => a[1].lastScore! - b[1].lastScore!);
    if (scored.length <= 1) return { lower: [], upper: [] };
    let n = Math.ceil(scored.length * this.quantile);
    if (n > scored.length / 2) n = Math.floor(scored.length / 2);
    return { lower: scored.slice(0, n).map(([id]) => id), upper: scored.slice(-n).map(([id]) => id) };
  }

  /** Per trial: last score, last perturbation and training time; the exploit count; the RNG's position. */
  save(): unknown {
    return { kind: 'pbt', trials: [...this.state], numPerturbations: this.numPerturbations, rng: this.rng.getState() };
  }

  /** Restores the population's state. */
  restore(state: unknown): void {
    const s = checkSaved<{ trials: [string, { lastScore?: number | null; lastPerturbationTime: number; lastTrainTime: number }][]; numPerturbations: number; rng: number }>(
      'PopulationBasedTraining', 'pbt', state,
    );
    this.state = new Map(
      s.trials.map(([id, t]) => [id, { lastScore: t.lastScore === undefined ? undefined : savedNumber(t.lastScore), lastPerturbationTime: savedNumber(t.lastPerturbationTime), lastTrainTime: savedNumber(t.lastTrainTime) }]),
    );
    this.numPerturbations = s.numPerturbations;
    this.rng.setState(s.rng);
  }

  private trialState(trialId: string): TrialState {
    let s = this.state.get(trialId);
    if (!s) this.state.set(trialId, (s = { lastScore: undefined, lastPerturbationTime: 0, lastTrainTime: 0 }));
    return s;
  }
}
