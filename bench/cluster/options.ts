/**
 * Command-line options of the cluster suite: `pnpm bench cluster [--quick] [--json out.json]
 * [--only tasks,actors,objects,restart]`.
 */

/** The parts of the suite, in the order they run. */
export const PARTS = ['tasks', 'actors', 'objects', 'restart'] as const;

/** One part of the suite. */
export type Part = (typeof PARTS)[number];

/** Options of the cluster suite. */
export interface ClusterBenchOptions {
  /** Smaller counts and a 128 MiB object: a smoke test, not a measurement. @default false */
  quick: boolean;
  /** Where to write the results as JSON. @default undefined (no file) */
  json?: string;
  /** Parts to run. @default every part */
  parts: readonly Part[];
  /** Print usage and exit. @default false */
  help: boolean;
}

/** Usage text. */
export const USAGE = `usage: pnpm bench cluster [options]
  --quick           smaller counts and a 128 MiB object (1 GiB otherwise): a smoke test
  --json <file>     also write the results as JSON
  --only <a,b,...>  run only these parts: ${PARTS.join(', ')}
  --help            this text`;

/** Parses the arguments after `cluster`; a bad one throws an error naming it. */
export function parseClusterArgs(argv: readonly string[]): Readonly<ClusterBenchOptions> {
  let quick = false;
  let help = false;
  let json: string | undefined;
  let parts: Part[] = [...PARTS];
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
    else if (a === '--only') {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
      if (unknown.length > 0 || names.length === 0) throw new RangeError(`--only: unknown part(s) '${unknown.join(',')}'; the parts are ${PARTS.join(', ')}`);
      parts = PARTS.filter((p) => names.includes(p));
    } else throw new TypeError(`unknown option '${a}'\n${USAGE}`);
  }
  return Object.freeze({ quick, help, json, parts });
}
