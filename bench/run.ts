/**
 * Entry of `pnpm bench <suite> [options]`: runs one benchmark suite of ray-ts.
 * An unknown or missing suite name prints the list.
 */

/** A suite: its one-line description and its runner (given the arguments after its name). */
interface Suite {
  readonly does: string;
  load(): Promise<{ main(argv: readonly string[]): Promise<number> }>;
}

/** The suites, by name. Each lives in `bench/<name>/`. */
const SUITES: Readonly<Record<string, Suite>> = {
  core: {
    does: "Ray's core microbenchmarks (tasks, actors, object store) vs Ray's figures, and piscina on the same no-op",
    load: () => import('./core/main.js'),
  },
  'data': {
    does: 'Data: group-by over Parquet vs DuckDB on the same files, and mapBatches scaling 1 vs 2 CPUs',
    load: async () => ({
      async main(argv: readonly string[]): Promise<number> {
        const { spawnSync } = await import('node:child_process');
        const script = new URL('./data/groupby.ts', import.meta.url).pathname;
        const r = spawnSync(process.execPath, [...process.execArgv, script, ...argv], { stdio: 'inherit' });
        return r.status ?? 1;
      },
    }),
  },
  'data-parquet': {
    does: 'Parquet reading: our hyparquet -> Arrow adapter vs parquetjs-lite on the same 1M-row file (rows/s and ratio)',
    load: async () => ({
      async main(argv: readonly string[]): Promise<number> {
        const { spawnSync } = await import('node:child_process');
        const script = new URL('./data/parquet-adapter.ts', import.meta.url).pathname;
        const r = spawnSync(process.execPath, [...process.execArgv, script, ...argv], { stdio: 'inherit' });
        return r.status ?? 1;
      },
    }),
  },
};

function listSuites(): string {
  return `suites:\n${Object.entries(SUITES).map(([name, s]) => `  ${name.padEnd(14)} ${s.does}`).join('\n')}\nusage: pnpm bench <suite> [--help | options]`;
}

const [name, ...rest] = process.argv.slice(2);
const suite = name === undefined ? undefined : SUITES[name];
if (!suite) {
  if (name !== undefined && name !== '--help' && name !== '-h') console.error(`unknown benchmark suite '${name}'`);
  console.error(listSuites());
  process.exit(name === undefined || name === '--help' || name === '-h' ? 0 : 2);
}
const code = await (await suite.load()).main(rest);
// Exit explicitly: a benchmark abandoned as hung may still hold the event loop open.
process.exit(code);
