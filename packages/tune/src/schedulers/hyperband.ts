/**
 * Synchronous HyperBand (Ray's HyperBandScheduler, Li et al. 2017). Trials are put, in the
 * order they are created, into brackets; bracket `s` (s = 0, 1, ..., sMax) takes
 * `ceil((sMax+1)/(s+1) * eta^s)` trials with a first budget of `maxT / eta^s` (in `timeAttr`
 * units). A trial that reaches its bracket's budget is **paused** (its run ends; it keeps
 * its latest checkpoint). When every trial of the bracket has reached the budget, the best
 * `1/eta` are resumed from their checkpoints with an `eta` times larger budget and the rest
 * are stopped. Trials stop at `maxT`.
 *
 * Resuming restarts the trainable from the trial's latest checkpoint, so report a checkpoint
 * at least at the rungs (a trial without one starts again from scratch). Paused trials free
 * their slot, so other trials (of this or the next bracket) run meanwhile.
 */
import { HyperBandBracket, type BracketState } from './hyperband-bracket.js';
import { checkMode, checkPositive, checkSaved, type ResumableScheduler, type SchedulerDecision, type TrialControl, type TrialInfo, type TrialResult } from './scheduler.js';

/** Options of {@link HyperBandScheduler}. */
export interface HyperBandSchedulerOptions {
  /** Result field that measures progress (the budget). @default 'trainingIteration' */
  timeAttr?: string;
  /** Metric to compare; defaults to tuneConfig.metric. */
  metric?: string;
  /** 'min' or 'max'; defaults to tuneConfig.mode. */
  mode?: 'min' | 'max';
  /** Largest budget of a trial; trials stop there. @default 81 */
  maxT?: number;
  /** Keep the best 1/reductionFactor at each halving (Ray's eta). @default 3 */
  reductionFactor?: number;
}

/** Synchronous HyperBand with pausing and resuming from checkpoints. */
export class HyperBandScheduler implements ResumableScheduler {
  private readonly timeAttr: string;
  private metric: string | undefined;
  private mode: 'min' | 'max' | undefined;
  private readonly maxT: number;
  private readonly eta: number;
  /** Brackets per band (Ray's s_max + 1). */
  readonly sMax1: number;
  /** Every bracket created so far, oldest first. */
  readonly brackets: HyperBandBracket[] = [];
  private readonly bracketOf = new Map<string, HyperBandBracket>();
  /** Index of the next bracket within the current band. */
  private nextS = 0;

  constructor(options: HyperBandSchedulerOptions = {}) {
    this.timeAttr = options.timeAttr ?? 'trainingIteration';
    if (typeof this.timeAttr !== 'string') throw new TypeError('HyperBandScheduler options.timeAttr must be a string');
    this.metric = options.metric;
    this.mode = checkMode('HyperBandScheduler', options.mode);
    this.maxT = checkPositive('HyperBandScheduler', 'maxT', options.maxT ?? 81);
    this.eta = checkPositive('HyperBandScheduler', 'reductionFactor', options.reductionFactor ?? 3);
    if (this.eta <= 1) throw new RangeError(`HyperBandScheduler options.reductionFactor must be > 1, got ${this.eta}`);
    this.sMax1 = Math.round(Math.log(this.maxT) / Math.log(this.eta)) + 1;
  }

  get metricsUsed(): readonly string[] {
    return this.metric ? [this.metric] : [];
  }

  setSearchProperties(metric: string | undefined, mode: 'min' | 'max' | undefined): void {
    this.metric ??= metric;
    this.mode ??= mode;
    if (!this.metric || !this.mode) throw new TypeError('HyperBandScheduler needs a metric and a mode: set them on the scheduler or in tuneConfig');
  }

  /** Puts a new trial into the current bracket (a new bracket when it is full). */
  onTrialAdd(trialId: string): void {
    if (this.bracketOf.has(trialId)) return;
    let cur = this.brackets[this.brackets.length - 1];
    while (!cur || cur.filled()) {
      const s = this.nextS;
      this.nextS = (this.nextS + 1) % this.sMax1;
      const r0 = Math.floor(this.maxT * this.eta ** -s);
      if (r0 === 0) continue; // bracket too small: Ray retries with the next s
      cur = new HyperBandBracket(Math.ceil((this.sMax1 / (s + 1)) * this.eta ** s), r0, this.maxT, this.eta, s);
      this.brackets.push(cur);
    }
    cur.add(trialId);
    this.bracketOf.set(trialId, cur);
  }

  onTrialResult(trialId: string, result: TrialResult, control?: TrialControl): SchedulerDecision {
    if (!this.bracketOf.has(trialId)) this.onTrialAdd(trialId);
    const bracket = this.bracketOf.get(trialId)!;
    const t = Number(result[this.timeAttr]);
    bracket.update(trialId, t, Number(result[this.metric!]) * (this.mode === 'max' ? 1 : -1));
    if (t >= this.maxT) return this.end(trialId, bracket, control);
    if (bracket.continueTrial(trialId)) return 'CONTINUE';
    return this.processBracket(bracket, control, trialId) ?? 'PAUSE';
  }

  onTrialComplete(trialId: string, _result: TrialResult | undefined, control?: TrialControl): void {
    const bracket = this.bracketOf.get(trialId);
    if (!bracket || !bracket.live.has(trialId)) return;
    bracket.remove(trialId);
    this.processBracket(bracket, control, undefined);
  }

  /** Resumes trials that passed a halving (oldest bracket first), then runs pending ones. */
  chooseTrialToRun(candidates: readonly TrialInfo[], control: TrialControl): string | undefined {
    if (control.searchFinished()) for (const b of this.brackets) this.processBracket(b, control, undefined);
    for (const b of this.brackets) {
      for (const id of b.ready) if (candidates.some((c) => c.trialId === id && c.status === 'PAUSED')) {
        b.ready.delete(id);
        return id;
      }
    }
    const pending = candidates.find((c) => c.status === 'PENDING');
    if (pending) this.onTrialAdd(pending.trialId);
    return pending?.trialId;
  }

  /** The brackets (their trials, budgets, halvings left, trials waiting to resume) and the next bracket's index. */
  save(): unknown {
    return { kind: 'hyperband', nextS: this.nextS, brackets: this.brackets.map((b) => b.save()) };
  }

  /** Restores the brackets (paused trials stay paused and resume when their bracket says so). */
  restore(state: unknown): void {
    const s = checkSaved<{ nextS: number; brackets: BracketState[] }>('HyperBandScheduler', 'hyperband', state);
    this.brackets.length = 0;
    this.bracketOf.clear();
    for (const st of s.brackets) {
      const b = HyperBandBracket.restore(st, this.maxT, this.eta);
      this.brackets.push(b);
      for (const id of b.all) this.bracketOf.set(id, b);
    }
    this.nextS = s.nextS;
  }

  /** A trial that reached maxT leaves its bracket. */
  private end(trialId: string, bracket: HyperBandBracket, control: TrialControl | undefined): SchedulerDecision {
    bracket.remove(trialId);
    this.processBracket(bracket, control, undefined);
    return 'STOP';
  }

  /**
   * When every live trial of the bracket reached the budget: halves it (stops the bad paused
   * trials, marks the good ones ready). Returns the decision for `current` (a trial whose
   * result is in hand), or undefined when the bracket must wait.
   */
  private processBracket(bracket: HyperBandBracket, control: TrialControl | undefined, current: string | undefined): SchedulerDecision | undefined {
    const final = control?.searchFinished() ?? false;
    if (!bracket.iterDone(final)) return undefined;
    if (bracket.finished(final)) {
      for (const id of [...bracket.live.keys()]) if (id !== current) control?.stopTrial(id);
      return 'STOP';
    }
    const { good, bad } = bracket.halve();
    let decision: SchedulerDecision | undefined;
    for (const id of bad) {
      bracket.remove(id);
      if (id === current) decision = 'STOP';
      else control?.stopTrial(id);
    }
    for (const id of good) {
      if (id === current) decision = 'CONTINUE';
      else bracket.ready.add(id);
    }
    return decision;
  }
}
