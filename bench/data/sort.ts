/**
 * `pnpm bench data-sort`: a distributed sort of 10 M rows, ray-ts Data vs DuckDB on the
 * same Parquet files in the same run.
 *
 *   pnpm bench data-sort [--rows N] [--files F] [--runs R] [--regenerate] [--json out.json]
 *
 * The table (key DOUBLE random, id BIGINT, v DOUBLE; see `datasets.ts`) is written once
 * by DuckDB and reused. Each engine sorts all rows by `key` and keeps the result:
 * ray-ts `readParquet(dir).sort('key').materialize()` (sorted blocks in the object
 * store); DuckDB `CREATE OR REPLACE TEMP TABLE sorted AS SELECT * FROM ... ORDER BY key`.
 * Warm-up once, then `--runs` timed runs (median). Ours is checked to be in order and
 * complete after the timing.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Table } from 'apache-arrow';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { dataSet, describeSet, SORT_SQL } from './datasets.js';
import { openDuck, sqlString } from './duck.js';
import { describeRuns, fmt, warmThenTime } from './timing.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    files: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    regenerate: { type: 'boolean', default: false },
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

/** Rows, blocks and whether the keys never decrease across the materialized blocks. */
async function checkSorted(m: data.MaterializedDataset): Promise<{ rows: number; blocks: number; sorted: boolean }> {
  let prev = -Infinity;
  let rows = 0;
  let sorted = true;
  for await (const b of m.iterBatches({ batchSize: null, batchFormat: 'arrow' })) {
    const keys = (b as Table).getChild('key')!.toArray() as Float64Array;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i]! < prev) sorted = false;
      prev = keys[i]!;
    }
    rows += keys.length;
  }
  return { rows, blocks: m.numBlocks(), sorted };
}

function release(m: data.MaterializedDataset): void {
  for (const b of m.bundles) b.ref.release();
}

if (ray.isMain(import.meta)) {
  const set = await dataSet('sort', SORT_SQL, ROWS, FILES, args.regenerate);
  console.log(`sort data: ${describeSet(set)}`);
  const info = await ray.init();
  data.DataContext.getCurrent().enableProgressBars = false;
  let last: data.MaterializedDataset | undefined;
  const ours = await warmThenTime(async () => {
    if (last) release(last);
    last = await data.readParquet(set.dir).sort('key').materialize();
    return last;
  }, RUNS);
  const stats = await last!.stats();
  const check = await checkSorted(last!);
  release(last!);
  ray.shutdown();

  const duckdb = await openDuck();
  const from = `read_parquet(${sqlString(`${set.dir}/*.parquet`)})`;
  const duck = await warmThenTime(() => duckdb.run(`CREATE OR REPLACE TEMP TABLE sorted AS SELECT * FROM ${from} ORDER BY key`), RUNS);
  const duckRows = Number((await duckdb.rows('SELECT count(*) FROM sorted'))[0]![0]);
  const threads = await duckdb.threads();
  duckdb.close();

  const ratio = ours.median / duck.median;
  console.log(`\nsort of ${fmt(ROWS)} rows by a DOUBLE key, result kept (warm, ${RUNS} timed runs each)`);
  console.log(`  ray-ts Data (${info.resources.CPU} CPUs)  ${describeRuns(ours)}  ${(ROWS / ours.median / 1e6).toFixed(2)} M rows/s`);
  console.log(`  DuckDB (${threads} threads)      ${describeRuns(duck)}  ${(ROWS / duck.median / 1e6).toFixed(2)} M rows/s`);
  console.log(`  ray-ts result: ${fmt(check.rows)} rows in ${check.blocks} blocks, in order: ${check.sorted ? 'yes' : 'NO'}; DuckDB: ${fmt(duckRows)} rows`);
  console.log(`  ours/DuckDB time ratio: ${ratio.toFixed(2)}x`);
  console.log(`  ray-ts per-operator stats of the last run:\n${stats.replace(/^/gm, '    ')}`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ rows: ROWS, files: FILES, oursSeconds: ours.seconds, duckdbSeconds: duck.seconds, ratio, check }, null, 2));
  if (!check.sorted || check.rows !== ROWS || duckRows !== ROWS) process.exitCode = 1;
}
