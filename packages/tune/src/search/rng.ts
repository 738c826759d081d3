/** A small seeded pseudo-random generator (mulberry32), so that sweeps are reproducible. */

/** Uniform numbers in [0, 1) from a 32-bit seed; `next()` advances it. */
export class Rng {
  private state: number;
  constructor(seed: number = Date.now()) {
    this.state = seed >>> 0;
  }
  /** The next number in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** The generator's position (to save it). */
  getState(): number {
    return this.state;
  }
  /** Moves the generator to a position returned by {@link getState}. */
  setState(state: number): void {
    this.state = state >>> 0;
  }
  /** A standard normal number (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
