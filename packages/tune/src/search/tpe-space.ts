/**
 * A param space as TPE sees it: every {@link Domain} leaf becomes a numeric parameter (in an
 * internal scale: log for loguniform; integers and quantized values rounded on the way out)
 * or a categorical one (`choice`); everything else is a constant. `gridSearch` and
 * `sampleFrom` have no density, so TPE rejects them with a {@link SearchSpaceError}.
 */
import { SearchSpaceError } from '../errors.js';
import { Choice, Domain, GridSearch, LogUniform, RandInt, RandN, SampleFrom, Uniform } from './sample.js';

/** A path into the config. */
export type ParamPath = readonly (string | number)[];

/** A numeric parameter over [lo, hi] in its internal scale. */
export interface NumericParam {
  readonly kind: 'numeric';
  readonly path: ParamPath;
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  readonly q: number | undefined;
  readonly int: boolean;
  /** Bounds of the value (outside scale), for clipping after rounding. */
  readonly min: number;
  readonly max: number;
}

/** A categorical parameter. */
export interface CategoricalParam {
  readonly kind: 'categorical';
  readonly path: ParamPath;
  readonly values: readonly unknown[];
}

/** One tunable parameter. */
export type TpeParam = NumericParam | CategoricalParam;

const show = (p: ParamPath) => p.map(String).join('.') || '(root)';

function plain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

function param(d: Domain, path: ParamPath): TpeParam {
  if (d instanceof Choice) return { kind: 'categorical', path, values: d.categories };
  if (d instanceof LogUniform) {
    return { kind: 'numeric', path, lo: Math.log(d.lower), hi: Math.log(d.upper), log: true, q: d.q, int: false, min: d.lower, max: d.upper };
  }
  if (d instanceof Uniform) return { kind: 'numeric', path, lo: d.lower, hi: d.upper, log: false, q: d.q, int: false, min: d.lower, max: d.upper };
  if (d instanceof RandInt) return { kind: 'numeric', path, lo: d.lower - 0.5, hi: d.upper - 0.5, log: false, q: undefined, int: true, min: d.lower, max: d.upper - 1 };
  if (d instanceof RandN) {
    return { kind: 'numeric', path, lo: d.mean - 5 * d.sd, hi: d.mean + 5 * d.sd, log: false, q: undefined, int: false, min: -Infinity, max: Infinity };
  }
  throw new SearchSpaceError(show(path), `TPE does not support the domain '${d.kind}'`);
}

/** The tunable parameters of `space` (depth first, in key order). */
export function parseSpace(space: unknown, path: ParamPath = [], out: TpeParam[] = []): TpeParam[] {
  if (space instanceof GridSearch) throw new SearchSpaceError(show(path), 'TPE does not support gridSearch; use tune.choice([...]) or the BasicVariantGenerator');
  if (space instanceof SampleFrom) throw new SearchSpaceError(show(path), 'TPE does not support sampleFrom (it has no density); compute the value in the trainable');
  if (space instanceof Domain) out.push(param(space, path));
  else if (typeof space === 'function') throw new SearchSpaceError(show(path), 'a plain function is not a search space');
  else if (Array.isArray(space)) space.forEach((x, i) => parseSpace(x, [...path, i], out));
  else if (plain(space)) for (const [k, x] of Object.entries(space)) parseSpace(x, [...path, k], out);
  return out;
}

/** The value of a parameter from its internal-scale number (categorical: an index). */
export function toValue(p: TpeParam, x: number): unknown {
  if (p.kind === 'categorical') return structuredClone(p.values[x]);
  let v = p.log ? Math.exp(x) : x;
  if (p.int) v = Math.round(v);
  else if (p.q !== undefined) v = Number((Math.round(v / p.q) * p.q).toPrecision(12));
  return Math.min(Math.max(v, p.min), p.max);
}

/** The internal-scale number of a value (categorical: its index, -1 when unknown). */
export function toInternal(p: TpeParam, v: unknown): number {
  if (p.kind === 'categorical') {
    const key = JSON.stringify(v);
    return p.values.findIndex((x) => JSON.stringify(x) === key);
  }
  const n = Number(v);
  return p.log ? Math.log(n) : n;
}

/** Reads the value at `path` of a config. */
export function getAt(config: unknown, path: ParamPath): unknown {
  let cur = config as Record<string | number, unknown> | undefined;
  for (const k of path) cur = cur?.[k] as Record<string | number, unknown> | undefined;
  return cur;
}

/** A config: the constants of `space` with the parameters' values filled in. */
export function buildConfig(space: Record<string, unknown>, params: readonly TpeParam[], values: readonly unknown[]): Record<string, unknown> {
  const fill = (v: unknown): unknown => (v instanceof Domain ? undefined : Array.isArray(v) ? v.map(fill) : plain(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)])) : structuredClone(v));
  const out = fill(space) as Record<string, unknown>;
  params.forEach((p, i) => {
    let cur = out as Record<string | number, unknown>;
    for (let j = 0; j < p.path.length - 1; j++) cur = cur[p.path[j]!] as Record<string | number, unknown>;
    cur[p.path[p.path.length - 1]!] = values[i];
  });
  return out;
}
