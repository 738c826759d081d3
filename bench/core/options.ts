/**
 * Command-line options of the core suite: `pnpm bench core [--quick] [--json out.json]
 * [--only a,b] [--actors n]`.
 */
import { defaultActorCount } from './bench-case.js';

/** Options of the core suite. */
export interface CoreBenchOptions {
  /** Short rounds and smaller counts: a smoke test. @default false */
  quick: boolean;
  /** Where to write the results as JSON. @default undefined (no file) */
  json?: string;
  /** Benchmarks to run, by name. @default undefined (all) */
  only?: readonly string[];
  /** Actors in the 1:n and n:n benchmarks. @default max(2, CPUs / 2) (Ray: CPUs / 2) */
  nActors: number;
  /** Seconds a benchmark may take before it is abandoned as hung. @default 180 (60 with --quick) */
  timeoutSec: number;
  /** Print usage and exit. @default false */
  help: boolean;
}

/** Usage text. */
export const USAGE = `usage: pnpm bench core [options]
  --quick           short rounds (0.3 s) and smaller counts: a smoke test, not a measurement
  --json <file>     also write the results as JSON
  --only <a,b,...>  run only these benchmarks (names as printed)
  --actors <n>      actors in the 1:n and n:n benchmarks (default max(2, CPUs/2); Ray: CPUs/2)
  --timeout <s>     seconds before a benchmark is abandoned as hung (default 180; 60 with --quick)
  --help            this text`;

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} must be a positive integer, got ${v === undefined ? 'nothing' : `'${v}'`}`);
  return n;
}

/** Parses the arguments after `core`; a bad one throws an error naming it. */
export function parseCoreArgs(argv: readonly string[]): Readonly<CoreBenchOptions> {
  let quick = false;
  let help = false;
  let json: string | undefined;
  let only: string[] | undefined;
  let nActors: number | undefined;
  let timeoutSec: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new TypeError(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') quick = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--json') json = value();
    else if (a === '--only') only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--actors') nActors = positiveInt(a, value());
    else if (a === '--timeout') timeoutSec = positiveInt(a, value());
    else throw new TypeError(`unknown option '${a}'\n${USAGE}`);
  }
  return Object.freeze({
    quick,
    help,
    json,
    only,
    nActors: nActors ?? defaultActorCount(),
    timeoutSec: timeoutSec ?? (quick ? 60 : 180),
  });
}
