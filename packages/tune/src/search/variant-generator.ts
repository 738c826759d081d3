/**
 * Resolving a param space into trial configs: Ray Tune's BasicVariantGenerator. Grid axes
 * (`gridSearch`) expand into their cartesian product, which is repeated `numSamples` times;
 * every other {@link Domain} is drawn once per trial from a seeded RNG, then `sampleFrom`
 * functions run on the drawn config. Nested plain objects and arrays are walked.
 */
import { SearchSpaceError } from '../errors.js';
import { Rng } from './rng.js';
import { Domain, GridSearch, SampleFrom } from './sample.js';
import type { ResumableSearcher, SearcherSetup } from './searcher.js';

type Path = (string | number)[];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const show = (p: Path) => p.map(String).join('.') || '(root)';

/** Finds grid axes, checks every entry; throws {@link SearchSpaceError} naming the path. */
function scan(v: unknown, path: Path, grids: { path: Path; values: readonly unknown[] }[]): void {
  if (v instanceof GridSearch) {
    if (!Array.isArray(v.values) || v.values.length === 0) throw new SearchSpaceError(show(path), 'gridSearch needs a non-empty array');
    grids.push({ path, values: v.values });
  } else if (v instanceof Domain) {
    return;
  } else if (typeof v === 'function') {
    throw new SearchSpaceError(show(path), 'a plain function is not a search space; wrap it: tune.sampleFrom((config) => ...)');
  } else if (typeof v === 'number' && Number.isNaN(v)) {
    throw new SearchSpaceError(show(path), 'NaN is not a valid value');
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => scan(x, [...path, i], grids));
  } else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) scan(x, [...path, k], grids);
  }
}

function setAt(root: unknown, path: Path, value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]!] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
}

/** Deep copy of the space with grid values filled in and random domains drawn (sampleFrom kept for later). */
function draw(v: unknown, path: Path, rng: Rng, later: { path: Path; d: SampleFrom<unknown> }[]): unknown {
  if (v instanceof GridSearch) return undefined; // filled in by the caller
  if (v instanceof SampleFrom) {
    later.push({ path, d: v });
    return undefined;
  }
  if (v instanceof Domain) return v.sample(rng, {});
  if (Array.isArray(v)) return v.map((x, i) => draw(x, [...path, i], rng, later));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = draw(x, [...path, k], rng, later);
    return out;
  }
  return v;
}

/** Options of {@link BasicVariantGenerator}. */
export interface BasicVariantGeneratorOptions {
  /** Seed of the random draws; the same seed and space give the same configs. @default random */
  seed?: number;
}

/** Grid and random search (Ray Tune's default searcher). */
export class BasicVariantGenerator implements ResumableSearcher {
  private readonly seed: number;
  private queue: Record<string, unknown>[] = [];
  constructor(options: BasicVariantGeneratorOptions = {}) {
    if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new TypeError(`BasicVariantGenerator options.seed must be an integer, got ${options.seed}`);
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  }

  /** Checks the space and prepares every variant (grid × numSamples). */
  setup({ paramSpace, numSamples }: SearcherSetup): void {
    this.queue = generateVariants(paramSpace, numSamples, this.seed);
  }

  /** The next config, or null when all have been handed out. */
  suggest(_trialId: string): Record<string, unknown> | null {
    return this.queue.shift() ?? null;
  }

  /** Nothing to learn for grid/random search. */
  onTrialComplete(): void {}

  /** The configs not handed out yet. */
  save(): unknown {
    return this.queue;
  }

  /** Continues with configs saved by `save` (instead of `setup`). */
  restore(state: unknown): void {
    if (!Array.isArray(state)) throw new TypeError('BasicVariantGenerator.restore(state) needs the array saved by save()');
    this.queue = structuredClone(state) as Record<string, unknown>[];
  }
}

/**
 * All configs of a param space: the grid's cartesian product (first axis slowest),
 * repeated `numSamples` times, random domains drawn from a seeded RNG.
 * @throws SearchSpaceError when an entry is malformed (the message names its path)
 */
export function generateVariants(paramSpace: Record<string, unknown>, numSamples: number, seed: number): Record<string, unknown>[] {
  if (!isPlainObject(paramSpace)) throw new TypeError('paramSpace must be a plain object');
  const grids: { path: Path; values: readonly unknown[] }[] = [];
  scan(paramSpace, [], grids);
  const rng = new Rng(seed);
  const combos: number[][] = [[]];
  for (const g of grids) {
    const next: number[][] = [];
    for (const c of combos) for (let i = 0; i < g.values.length; i++) next.push([...c, i]);
    combos.splice(0, combos.length, ...next);
  }
  const out: Record<string, unknown>[] = [];
  for (let s = 0; s < numSamples; s++) {
    for (const combo of combos) {
      const later: { path: Path; d: SampleFrom<unknown> }[] = [];
      const cfg = draw(paramSpace, [], rng, later) as Record<string, unknown>;
      grids.forEach((g, i) => setAt(cfg, g.path, structuredClone(g.values[combo[i]!])));
      for (const { path, d } of later) {
        try {
          setAt(cfg, path, d.sample(rng, cfg));
        } catch (err) {
          throw new SearchSpaceError(show(path), `sampleFrom function threw: ${(err as Error)?.message ?? err}`, { cause: err });
        }
      }
      out.push(cfg);
    }
  }
  return out;
}
