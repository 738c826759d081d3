/**
 * PBT's explore step (Ray's `_explore`): perturbs a config by its `hyperparamMutations`.
 * A list moves the value to a neighbouring entry (or resamples it); a search-space domain or
 * a function resamples, or multiplies the current value by one of the perturbation factors.
 */
import type { Rng } from '../search/rng.js';
import { Domain } from '../search/sample.js';

/** How one hyperparameter mutates: a list of values, a search-space domain, a function returning a new value, or a nested object of these. */
export type Mutation = readonly unknown[] | Domain | (() => unknown) | { readonly [key: string]: Mutation };

/** Settings of {@link explore}. */
export interface ExploreSettings {
  /** Probability of resampling instead of perturbing. */
  resampleProbability: number;
  /** Factors a numeric value is multiplied by when perturbed. */
  perturbationFactors: readonly [number, number];
}

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[Math.floor(rng.next() * values.length)]!;
}

function scale(rng: Rng, v: number, factors: readonly number[]): number {
  const out = v * pick(rng, factors);
  return Number.isInteger(v) ? Math.round(out) : out;
}

/** A perturbed copy of `config` (keys without a mutation are kept). */
export function explore(config: Record<string, unknown>, mutations: Record<string, Mutation>, rng: Rng, settings: ExploreSettings): Record<string, unknown> {
  const out = structuredClone(config);
  for (const [key, m] of Object.entries(mutations)) {
    const cur = config[key];
    const resample = rng.next() < settings.resampleProbability;
    if (Array.isArray(m)) {
      const idx = m.findIndex((x) => JSON.stringify(x) === JSON.stringify(cur));
      if (resample || idx < 0) out[key] = structuredClone(pick(rng, m));
      else out[key] = structuredClone(m[Math.min(Math.max(idx + (rng.next() < 0.5 ? -1 : 1), 0), m.length - 1)]);
    } else if (m instanceof Domain) {
      out[key] = resample || typeof cur !== 'number' ? m.sample(rng, out) : scale(rng, cur, settings.perturbationFactors);
    } else if (typeof m === 'function') {
      out[key] = resample || typeof cur !== 'number' ? (m as () => unknown)() : scale(rng, cur, settings.perturbationFactors);
    } else {
      const sub = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>) : {};
      out[key] = explore(sub, m as Record<string, Mutation>, rng, settings);
    }
  }
  return out;
}

/** Checks `hyperparamMutations`; throws TypeError naming the bad entry. */
export function checkMutations(mutations: unknown, path = 'hyperparamMutations'): void {
  if (mutations === null || typeof mutations !== 'object' || Array.isArray(mutations)) throw new TypeError(`PopulationBasedTraining options.${path} must be an object`);
  for (const [k, m] of Object.entries(mutations)) {
    if (Array.isArray(m)) {
      if (m.length === 0) throw new TypeError(`PopulationBasedTraining options.${path}.${k} must be a non-empty list`);
    } else if (!(m instanceof Domain) && typeof m !== 'function') {
      if (m === null || typeof m !== 'object') throw new TypeError(`PopulationBasedTraining options.${path}.${k} must be a list, a search-space domain, a function or an object of these`);
      checkMutations(m, `${path}.${k}`);
    }
  }
}
