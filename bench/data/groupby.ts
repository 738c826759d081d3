/**
 * `pnpm bench data`: a group-by over a ~1 GB Parquet set, ray-ts Data vs DuckDB's Node
 * API on the same files in the same run, and mapBatches throughput with 1 vs 2 CPUs.
 *
 *   pnpm bench data [--rows N] [--files F] [--runs R] [--regenerate] [--no-scaling | --scaling-only] [--json out.json]
 *
 * The rides table (see `datasets.ts`) is written once by DuckDB and reused. Both engines
 * run the same query, warmed up once and then timed `--runs` times (median reported):
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
import { describeRuns, fmt, warmThenTime, type Timed } from './timing.js';

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

async function groupBy(dir: string): Promise<{ ours: Timed<Group[]>; duck: Timed<Group[]>; threads: number; stats: string }> {
  const ds = () => data.readParquet(dir).groupBy('zone').aggregate(new data.Count(), new data.Sum('fare'), new data.Mean('fare'));
  let last = ds();
  const ours = await warmThenTime(async () => {
    last = ds();
    const rows = await last.takeAll();
    return rows.map((r) => [r.zone, r['count()'], r['sum(fare)'], r['mean(fare)']] as Group);
  }, RUNS);
  const stats = await last.stats();
  const duckdb = await openDuck();
  try {
    const sql = `SELECT zone, count(*), sum(fare), avg(fare) FROM read_parquet(${sqlString(`${dir}/*.parquet`)}) GROUP BY zone ORDER BY zone`;
    const duck = await warmThenTime(async () => (await duckdb.rows(sql)).map((r) => r.map(Number) as Group), RUNS);
    return { ours, duck, threads: await duckdb.threads(), stats };
  } finally {
    duckdb.close();
  }
}

/** Rows/s of a CPU-bound mapBatches over the `fare` column of the first files, with `cpus` CPUs. */
async function scaling(files: string[], rows: number, cpus: number): Promise<Timed<number>> {
  await ray.init({ numCpus: cpus });
  try {
    const run = () => data.readParquet(files, { columns: ['fare'] }).mapBatches(heavyBatch, { batchFormat: 'columns', batchSize: 65536 }).count();
    const t = await warmThenTime(run, RUNS);
    if (t.result !== rows) throw new Error(`mapBatches saw ${t.result} rows, expected ${rows}`);
    return t;
  } finally {
    ray.shutdown();
  }
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
    const ratio = g.ours.median / g.duck.median;
    console.log(`\ngroup-by: SELECT zone, count(*), sum(fare), avg(fare) ... GROUP BY zone ORDER BY zone (warm, ${RUNS} timed runs each)`);
    console.log(`  ray-ts Data (${info.resources.CPU} CPUs)  ${describeRuns(g.ours)}  ${(ROWS / g.ours.median / 1e6).toFixed(1)} M rows/s`);
    console.log(`  DuckDB (${g.threads} threads)      ${describeRuns(g.duck)}  ${(ROWS / g.duck.median / 1e6).toFixed(1)} M rows/s`);
    console.log(`  results agree: ${agree(g.ours.result, g.duck.result)}`);
    console.log(`  ours/DuckDB time ratio: ${ratio.toFixed(2)}x (target: within 3x: ${ratio <= 3 ? 'met' : 'not met'})`);
    console.log(`  ray-ts per-operator stats of the last run:\n${g.stats.replace(/^/gm, '    ')}`);
    json.groupBy = { oursSeconds: g.ours.seconds, duckdbSeconds: g.duck.seconds, ratio };
  }
  if (!args['no-scaling']) {
    const files = [`${set.dir}/part-0000.parquet`, `${set.dir}/part-0001.parquet`].slice(0, Math.min(2, FILES));
    const rows = Math.floor((ROWS * files.length) / FILES);
    console.log(`\nmapBatches scaling: a CPU-bound batch function over 'fare' of ${fmt(rows)} rows (${files.length} files), warm, ${RUNS} timed runs (median)`);
    const perCpu: number[] = [];
    for (const cpus of [1, 2]) {
      const t = await scaling(files, rows, cpus);
      perCpu.push(rows / t.median);
      console.log(`  ${cpus} CPU${cpus > 1 ? 's' : ' '}: ${(rows / t.median / 1e6).toFixed(2)} M rows/s (${t.median.toFixed(2)} s)`);
    }
    const speedup = perCpu[1]! / perCpu[0]!;
    console.log(`  speedup 2 vs 1 CPU: ${speedup.toFixed(2)}x (linear = 2.00x)`);
    json.scaling = { rows, rowsPerSec: perCpu, speedup };
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(json, null, 2));
}
