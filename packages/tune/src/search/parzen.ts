/**
 * Parzen (Gaussian-kernel) estimators of TPE (Bergstra et al. 2011; hyperopt's
 * `adaptive_parzen_normal`). A numeric estimator is a mixture of a wide prior component (the
 * domain's centre, the domain's width as sigma) and one Gaussian per observation whose
 * sigma is the larger gap to its neighbours, clipped to [width / min(100, n + 1), width]; every
 * component is truncated to the domain. A categorical estimator is counts plus a uniform prior.
 */
import type { Rng } from './rng.js';

const SQRT2 = Math.SQRT2;

/** Error function (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

function normCdf(x: number, mu: number, sigma: number): number {
  return 0.5 * (1 + erf((x - mu) / (sigma * SQRT2)));
}

/** A truncated Gaussian mixture over [lo, hi]. */
export class NumericParzen {
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly weights: number[];
  /** Probability mass of each component inside [lo, hi]. */
  private readonly mass: number[];

  /**
   * @param obs observed values (already in the search space's internal scale, e.g. log)
   * @param priorWeight weight of the prior component relative to one observation
   */
  constructor(obs: readonly number[], readonly lo: number, readonly hi: number, priorWeight: number) {
    const width = hi - lo;
    const pts = [...obs.map((mu) => ({ mu, prior: false })), { mu: (lo + hi) / 2, prior: true }].sort((a, b) => a.mu - b.mu);
    const minSigma = width / Math.min(100, obs.length + 1);
    this.mus = [];
    this.sigmas = [];
    this.weights = [];
    pts.forEach(({ mu, prior }, i) => {
      const left = i > 0 ? mu - pts[i - 1]!.mu : mu - lo;
      const right = i < pts.length - 1 ? pts[i + 1]!.mu - mu : hi - mu;
      this.mus.push(mu);
      this.sigmas.push(prior ? width : Math.min(Math.max(left, right, minSigma), width));
      this.weights.push(prior ? priorWeight : 1);
    });
    const total = this.weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < this.weights.length; i++) this.weights[i]! /= total;
    this.mass = this.mus.map((m, i) => Math.max(normCdf(hi, m, this.sigmas[i]!) - normCdf(lo, m, this.sigmas[i]!), 1e-12));
  }

  /** Draws one value (a component by weight, then its truncated Gaussian by rejection). */
  sample(rng: Rng): number {
    let u = rng.next();
    let k = 0;
    while (k < this.weights.length - 1 && u >= this.weights[k]!) u -= this.weights[k++]!;
    for (let tries = 0; tries < 100; tries++) {
      const x = this.mus[k]! + this.sigmas[k]! * rng.normal();
      if (x >= this.lo && x <= this.hi) return x;
    }
    return Math.min(Math.max(this.mus[k]!, this.lo), this.hi);
  }

  /** Log density at x. */
  logPdf(x: number): number {
    let p = 0;
    for (let i = 0; i < this.mus.length; i++) {
      const z = (x - this.mus[i]!) / this.sigmas[i]!;
      p += (this.weights[i]! * Math.exp(-0.5 * z * z)) / (this.sigmas[i]! * Math.sqrt(2 * Math.PI) * this.mass[i]!);
    }
    return Math.log(Math.max(p, 1e-300));
  }
}

/** Category probabilities from counts plus a uniform prior. */
export class CategoricalParzen {
  private readonly probs: number[];
  constructor(obs: readonly number[], n: number, priorWeight: number) {
    const counts = new Array<number>(n).fill(priorWeight / n);
    for (const i of obs) counts[i]! += 1;
    const total = counts.reduce((a, b) => a + b, 0);
    this.probs = counts.map((c) => c / total);
  }
  /** Draws a category index. */
  sample(rng: Rng): number {
    let u = rng.next();
    for (let i = 0; i < this.probs.length; i++) {
      if (u < this.probs[i]!) return i;
      u -= this.probs[i]!;
    }
    return this.probs.length - 1;
  }
  /** Log probability of a category index. */
  logPdf(i: number): number {
    return Math.log(this.probs[i]!);
  }
}
