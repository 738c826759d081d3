/**
 * `pnpm bench data`: a group-by over a ~1 GB Parquet set, ray-ts Data vs DuckDB's Node
 * API on the same files in the same run, and mapBatches throughput with 1 vs 2 CPUs.
 *
 *   pnpm bench data [--rows N] [--files F] [--runs R] [--regenerate] [--no-scaling | --scaling-only] [--no-pin] [--json out.json]
 *
 * The rides table (see `datasets.ts`) is written once by DuckDB and reused. Both engines
 * run the same query, warmed up once and then timed in `--runs` rounds, alternating
 * (the median of the per-round ratios is reported):
 *   SELECT zone, count(*), sum(fare), avg(fare) FROM rides GROUP BY zone ORDER BY zone
 * ray-ts: `readParquet(dir).groupBy('zone').aggregate(Count, Sum('fare'), Mean('fare')).takeAll()`.
 * Both results are compared group by group.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { dataSet, describeSet, RIDES_SQL } from './datasets.js';
import { heavyBatch } from './defs.js';
import { openDuck, sqlString } from './duck.js';
import { treeCpuSeconds } from './cpu-time.js';
import { rawRun } from './raw-scaling.js';
import { pinTo, unpin } from './pin.js';
import { describeRuns, fmt, median, pairedRuns, timed, type Paired } from './timing.js';

/** About 1 GB of Parquet (16.3 bytes per row as DuckDB writes this table). */
const DEFAULT_ROWS = 62_000_000;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: String(DEFAULT_ROWS) },
    files: { type: 'string', default: '8' },
    runs: { type: 'string', default: '3' },
    regenerate: { type: 'boolean', default: false },
    'no-scaling': { type: 'boolean', default: false },
    'scaling-only': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const FILES = Number(args.files);
const RUNS = Number(args.runs);
if (!(Number.isInteger(ROWS) && ROWS > 0 && Number.isInteger(FILES) && FILES > 0 && Number.isInteger(RUNS) && RUNS > 0)) {
  console.error('--rows, --files and --runs must be positive integers');
  process.exit(2);
}

type Group = [zone: number, count: number, sum: number, mean: number];

/** Whether both engines found the same groups, counts and (to 1e-9 relative) sums and means. */
function agree(ours: Group[], duck: Group[]): string {
  if (ours.length !== duck.length) return `no: ${ours.length} groups vs ${duck.length}`;
  for (let i = 0; i < ours.length; i++) {
    const [a, b] = [ours[i]!, duck[i]!];
    const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
    if (a[0] !== b[0] || a[1] !== b[1] || !close(a[2], b[2]) || !close(a[3], b[3])) return `no: group ${i} is ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  return `yes (${ours.length} groups: keys and counts equal, sums and means within 1e-9)`;
}

/** Wraps `fn` to record the CPU seconds (all processes: driver, workers, DuckDB's threads) of each call into `into`. */
function withCpu<T>(fn: () => Promise<T>, into: number[]): () => Promise<T> {
  return async () => {
    const c = treeCpuSeconds();
    const r = await fn();
    into.push(treeCpuSeconds() - c);
    return r;
  };
}

async function groupBy(dir: string): Promise<{ runs: Paired<Group[], Group[]>; cpu: [number[], number[]]; threads: number; stats: string }> {
  const ds = () => data.readParquet(dir).groupBy('zone').aggregate(new data.Count(), new data.Sum('fare'), new data.Mean('fare'));
  let last = ds();
  const duckdb = await openDuck();
  try {
    const sql = `SELECT zone, count(*), sum(fare), avg(fare) FROM read_parquet(${sqlString(`${dir}/*.parquet`)}) GROUP BY zone ORDER BY zone`;
    const cpu: [number[], number[]] = [[], []];
    const runs = await pairedRuns(withCpu(async () => {
      last = ds();
      const rows = await last.takeAll();
      return rows.map((r) => [r.zone, r['count()'], r['sum(fare)'], r['mean(fare)']] as Group);
    }, cpu[0]), withCpu(async () => (await duckdb.rows(sql)).map((r) => r.map(Number) as Group), cpu[1]), RUNS);
    // Drop the warm-up runs' CPU.
    return { runs, cpu: [cpu[0].slice(1), cpu[1].slice(1)], threads: await duckdb.threads(), stats: await last.stats() };
  } finally {
    duckdb.close();
  }
}

/** A timed run: wall seconds, and CPU seconds of the driver and every process it started. */
interface Run {
  seconds: number;
  cpu: number;
}

/** A CPU-bound mapBatches over the `fare` column of `files` with `cpus` CPUs, timed after one warm-up run. */
async function scalingRun(files: string[], rows: number, cpus: number): Promise<Run> {
  pin(cpus);
  await ray.init({ numCpus: cpus });
  try {
    const run = () => data.readParquet(files, { columns: ['fare'] }).mapBatches(heavyBatch, { batchFormat: 'columns', batchSize: 65536 }).count();
    await run();
    const cpu0 = treeCpuSeconds();
    const [n, seconds] = await timed(run);
    const cpu = treeCpuSeconds() - cpu0;
    if (n !== rows) throw new Error(`mapBatches saw ${n} rows, expected ${rows}`);
    return { seconds, cpu };
  } finally {
    ray.shutdown();
  }
}

/** With pinning on (the default), runs what follows on `cores` cores (see pin.ts). */
function pin(cores: number): void {
  if (args['no-pin']) return;
  if (!pinTo(cores)) throw new Error('taskset (util-linux) is needed to pin the scaling runs to 1 and 2 cores; install it or pass --no-pin');
}

/**
 * mapBatches with 1 and 2 CPUs, and the plain-process reference (raw-scaling.ts), one
 * of each per round so that the four see about the same machine load.
 */
async function scaling(files: string[], rows: number): Promise<{ ours: Run[][]; raw: Run[][] }> {
  const ours: Run[][] = [[], []];
  const raw: Run[][] = [[], []];
  for (let r = 0; r < RUNS; r++) {
    for (const cpus of [1, 2]) ours[cpus - 1]!.push(await scalingRun(files, rows, cpus));
    for (const procs of [1, 2]) {
      pin(procs);
      raw[procs - 1]!.push(await rawRun(procs, rows));
    }
  }
  if (!args['no-pin']) unpin();
  return { ours, raw };
}

if (ray.isMain(import.meta)) {
  const set = await dataSet('rides', RIDES_SQL, ROWS, FILES, args.regenerate);
  console.log(`rides: ${describeSet(set)}`);
  const json: Record<string, unknown> = { rows: ROWS, files: FILES, bytes: set.bytes };
  if (!args['scaling-only']) {
    const info = await ray.init();
    data.DataContext.getCurrent().enableProgressBars = false;
    const g = await groupBy(set.dir);
    ray.shutdown();
    const { a: ours, b: duck, ratio } = g.runs;
    console.log(`\ngroup-by: SELECT zone, count(*), sum(fare), avg(fare) ... GROUP BY zone ORDER BY zone (warm, ${RUNS} rounds, ours and DuckDB alternating)`);
    console.log(`  ray-ts Data (${info.resources.CPU} CPUs)  ${describeRuns(ours)}  ${(ROWS / ours.median / 1e6).toFixed(1)} M rows/s`);
    console.log(`  DuckDB (${g.threads} threads)      ${describeRuns(duck)}  ${(ROWS / duck.median / 1e6).toFixed(1)} M rows/s`);
    console.log(`  results agree: ${agree(ours.result, duck.result)}`);
    console.log(`  ours/DuckDB time ratio: ${ratio.toFixed(2)}x median of rounds (${g.runs.ratios.map((x) => x.toFixed(2)).join(', ')}); ratio of medians ${(ours.median / duck.median).toFixed(2)}x (target: within 3x: ${ratio <= 3 ? 'met' : 'not met'})`);
    const [oc, dc] = [median(g.cpu[0]), median(g.cpu[1])];
    console.log(`  CPU seconds per run (all processes, median): ray-ts ${oc.toFixed(2)} (${(oc * 1e9 / ROWS).toFixed(1)} ns/row), DuckDB ${dc.toFixed(2)} (${(dc * 1e9 / ROWS).toFixed(1)} ns/row), ratio ${(oc / dc).toFixed(2)}x: the work, whatever the load`);
    console.log(`  ray-ts per-operator stats of the last run:\n${g.stats.replace(/^/gm, '    ')}`);
    json.groupBy = { oursSeconds: ours.seconds, duckdbSeconds: duck.seconds, ratios: g.runs.ratios, ratio, oursCpu: g.cpu[0], duckdbCpu: g.cpu[1] };
  }
  if (!args['no-scaling']) {
    const files = [`${set.dir}/part-0000.parquet`, `${set.dir}/part-0001.parquet`].slice(0, Math.min(2, FILES));
    const rows = Math.floor((ROWS * files.length) / FILES);
    console.log(`\nmapBatches scaling: a CPU-bound batch function over 'fare' of ${fmt(rows)} rows (${files.length} files), ${RUNS} rounds of [1 CPU, 2 CPUs, plain 1 process, plain 2 processes], each ray-ts run after a warm-up run; ${args['no-pin'] ? 'not pinned (a 1-CPU run may use the other core for V8 threads and the driver)' : 'each run pinned to as many cores as CPUs (taskset: the driver, its node manager and workers; 1 CPU = core 0)'}`);
    const { ours, raw } = await scaling(files, rows);
    const speedups = (t: Run[][]) => t[0]!.map((r, i) => r.seconds / t[1]![i]!.seconds);
    const cpuRatio = (t: Run[][]) => median(t[1]!.map((r) => r.cpu)) / median(t[0]!.map((r) => r.cpu));
    const line = (label: string, t: Run[]) => {
      const s = t.map((r) => r.seconds);
      return `  ${label}${(rows / median(s) / 1e6).toFixed(2)} M rows/s (median ${median(s).toFixed(2)} s of ${s.map((x) => x.toFixed(2)).join(', ')}; CPU ${median(t.map((r) => r.cpu)).toFixed(2)} s)`;
    };
    console.log(line('ray-ts 1 CPU     : ', ours[0]!));
    console.log(line('ray-ts 2 CPUs    : ', ours[1]!));
    console.log(line('plain 1 process  : ', raw[0]!));
    console.log(line('plain 2 processes: ', raw[1]!));
    const speedup = median(speedups(ours));
    const rawSpeedup = median(speedups(raw));
    console.log(`  speedup 2 vs 1 CPU: ${speedup.toFixed(2)}x median of rounds (${speedups(ours).map((x) => x.toFixed(2)).join(', ')}); linear = 2.00x`);
    console.log(`  plain processes, same rounds: ${rawSpeedup.toFixed(2)}x (${speedups(raw).map((x) => x.toFixed(2)).join(', ')}): what the machine gave at the time`);
    console.log(`  CPU seconds 2 CPUs / 1 CPU: ray-ts ${cpuRatio(ours).toFixed(2)}, plain ${cpuRatio(raw).toFixed(2)} (1.00: using two cores adds no work; the speedup two free cores would give is 2 / this)`);
    json.scaling = { rows, ours, raw, speedup, rawSpeedup, cpuRatio: cpuRatio(ours), rawCpuRatio: cpuRatio(raw) };
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(json, null, 2));
}
