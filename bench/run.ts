/**
 * Entry of `pnpm bench <suite> [options]`: runs one benchmark suite of ray-ts.
 * An unknown or missing suite name prints the list.
 */

/** A suite: its one-line description and its runner (given the arguments after its name). */
interface Suite {
  readonly does: string;
  load(): Promise<{ main(argv: readonly string[]): Promise<number> }>;
}

/** A suite that runs a script of its own in a child process (with this process's flags). */
async function script(path: string): Promise<{ main(argv: readonly string[]): Promise<number> }> {
  return {
    async main(argv: readonly string[]): Promise<number> {
      const { spawnSync } = await import('node:child_process');
      const file = new URL(path, import.meta.url).pathname;
      const r = spawnSync(process.execPath, [...process.execArgv, file, ...argv], { stdio: 'inherit' });
      return r.status ?? 1;
    },
  };
}

/** The suites, by name. Each lives in `bench/<name>/`. */
const SUITES: Readonly<Record<string, Suite>> = {
  core: {
    does: "Ray's core microbenchmarks (tasks, actors, object store) vs Ray's figures, and piscina on the same no-op",
    load: () => import('./core/main.js'),
  },
  cluster: {
    does: 'Cluster: cross-node task throughput, actor call latency p50/p99, object transfer vs raw TCP, head restart time',
    load: () => import('./cluster/main.js'),
  },
  data: {
    does: 'Data: group-by over a ~1 GB Parquet set vs DuckDB on the same files, and mapBatches scaling 1 vs 2 CPUs',
    load: () => script('./data/groupby.ts'),
  },
  'data-sort': {
    does: 'Data: distributed sort of 10 M rows vs DuckDB ORDER BY on the same Parquet files',
    load: () => script('./data/sort.ts'),
  },
  'data-inference': {
    does: 'Data: batch inference (ONNX, actor pool of 2) rows/s vs onnxruntime-node called directly in one process',
    load: () => script('./data/inference.ts'),
  },
  train: {
    does: 'Train: samples/s of a TensorFlow.js MLP with 1 vs 2 workers (gradients allreduced each step), scaling efficiency',
    load: () => import('./train/scaling.js'),
  },
  'train-allreduce': {
    does: 'Train: collective allreduce bandwidth (Float32, 2 actors, 1/10/100 MB) vs a raw memcpy of the same size',
    load: () => script('./train/allreduce.ts'),
  },
  tune: {
    does: 'Tune: overhead per trial (1000 trivial trials, wall vs own time) and time to a target loss, ASHA vs random search (FIFO)',
    load: () => import('./tune/main.js'),
  },
  serve: {
    does: 'Serve: req/s and p50/p99 over HTTP, no-op and ONNX deployments vs plain node:http in one process',
    load: () => script('./serve/main.ts'),
  },
  rllib: {
    does: 'RLlib: env steps/s sampled with 1 vs 2 env runners, and time/env steps for PPO to reach return 450 on CartPole-v1 vs RLlib',
    load: () => import('./rllib/main.js'),
  },
  'data-parquet': {
    does: 'Parquet reading: our reader (-> Arrow) vs parquetjs-lite on the same 1M-row file (rows/s and ratio)',
    load: () => script('./data/parquet-adapter.ts'),
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
