/**
 * One bracket of synchronous HyperBand (Ray's `_Bracket`): `n0` trials start with a budget
 * of `r0` (in `timeAttr` units); each time every live trial has reached the current budget,
 * successive halving keeps the best `ceil(n / eta)` and multiplies the budget by `eta` (up to
 * `maxT`), `s` times.
 */

/** A bracket as saved by {@link HyperBandBracket.save}. */
export interface BracketState {
  n0: number;
  r0: number;
  s: number;
  n: number;
  r: number;
  cumulR: number;
  halves: number;
  live: [string, { time: number; score: number | null } | undefined | null][];
  all: string[];
  ready: string[];
}

/** A bracket of HyperBand. */
export class HyperBandBracket {
  /** Live trials → their latest (sign-adjusted: larger is better) metric and time; undefined before the first result. */
  readonly live = new Map<string, { time: number; score: number } | undefined>();
  /** Every trial ever added. */
  readonly all: string[] = [];
  /** Trials that passed the last halving and wait (paused) to be resumed. */
  readonly ready = new Set<string>();
  private n: number;
  private r: number;
  /** The budget every live trial must reach before the next halving. */
  cumulR: number;
  /** Halvings left. */
  halves: number;

  constructor(
    /** Trials this bracket takes. */
    readonly n0: number,
    /** First budget. */
    readonly r0: number,
    private readonly maxT: number,
    private readonly eta: number,
    /** Number of halvings (Ray's `s`). */
    readonly s: number,
  ) {
    this.n = n0;
    this.r = r0;
    this.cumulR = r0;
    this.halves = s;
  }

  /** The bracket's state (for experiment_state.json). */
  save(): BracketState {
    return { n0: this.n0, r0: this.r0, s: this.s, n: this.n, r: this.r, cumulR: this.cumulR, halves: this.halves, live: [...this.live], all: [...this.all], ready: [...this.ready] };
  }

  /** A bracket in the state `save()` returned. */
  static restore(st: BracketState, maxT: number, eta: number): HyperBandBracket {
    const b = new HyperBandBracket(st.n0, st.r0, maxT, eta, st.s);
    b.n = st.n;
    b.r = st.r;
    b.cumulR = st.cumulR;
    b.halves = st.halves;
    for (const [id, v] of st.live) b.live.set(id, v ? { time: Number(v.time), score: v.score === null ? -Infinity : Number(v.score) } : undefined);
    b.all.push(...st.all);
    for (const id of st.ready) b.ready.add(id);
    return b;
  }

  /** True when the bracket has all its trials. */
  filled(): boolean {
    return this.all.length >= this.n0;
  }

  /** Adds a trial (the bracket must not be filled). */
  add(trialId: string): void {
    this.live.set(trialId, undefined);
    this.all.push(trialId);
  }

  /** Records a trial's latest result. */
  update(trialId: string, time: number, score: number): void {
    if (this.live.has(trialId)) this.live.set(trialId, { time, score });
  }

  /** True while the trial has not reached the current budget. */
  continueTrial(trialId: string): boolean {
    return (this.live.get(trialId)?.time ?? 0) < this.cumulR;
  }

  /** Every live trial has reached the current budget (and, unless `final`, the bracket is full). */
  iterDone(searchFinished: boolean): boolean {
    if (!this.filled() && !searchFinished) return false;
    for (const v of this.live.values()) if ((v?.time ?? 0) < this.cumulR) return false;
    return this.live.size > 0;
  }

  /** No halvings left and every live trial reached `maxT`. */
  finished(searchFinished: boolean): boolean {
    return this.halves === 0 && this.iterDone(searchFinished);
  }

  /** Removes a trial that ended. */
  remove(trialId: string): void {
    this.live.delete(trialId);
    this.ready.delete(trialId);
  }

  /** Successive halving: the best `ceil(n / eta)` live trials go on with an `eta` times larger budget. */
  halve(): { good: string[]; bad: string[] } {
    this.halves -= 1;
    this.n = Math.ceil(this.n / this.eta);
    this.r = Math.floor(Math.min(this.r * this.eta, this.maxT));
    this.cumulR = this.r;
    const sorted = [...this.live.entries()].sort((a, b) => (b[1]?.score ?? -Infinity) - (a[1]?.score ?? -Infinity)).map(([id]) => id);
    return { good: sorted.slice(0, this.n), bad: sorted.slice(this.n) };
  }
}
