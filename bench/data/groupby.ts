/**
 * Data benchmarks, each printed with a baseline measured in the same run:
 * - group-by over Parquet files: ray-ts Data (readParquet -> groupBy -> aggregate) vs
 *   DuckDB's Node API running the same query on the same files (ratio = DuckDB time / ours);
 * - mapBatches throughput of a CPU-bound function with 1 vs 2 CPUs (scaling efficiency).
 *
 *   node --conditions=development --import tsx bench/data/groupby.ts [--rows N] [--files F]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { heavyBatch, makeRow } from './defs.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '4000000' }, files: { type: 'string', default: '8' } } });
const ROWS = Number(args.rows);
const FILES = Number(args.files);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

async function duckdbGroupBy(dir: string): Promise<[number, number]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const [rows, secs] = await timed(async () => {
    const reader = await conn.runAndReadAll(`SELECT key, sum(v) AS s, avg(v) AS m, count(*) AS c FROM read_parquet('${dir}/*.parquet') GROUP BY key`);
    return reader.getRows().length;
  });
  conn.closeSync?.();
  return [rows, secs];
}

if (ray.isMain(import.meta)) {
  const dir = mkdtempSync(join(tmpdir(), 'ray-ts-bench-data-'));
  try {
    await ray.init();
    const [, genSecs] = await timed(() => data.range(ROWS, { overrideNumBlocks: FILES }).map(makeRow).writeParquet(dir));
    console.log(`generated ${ROWS.toLocaleString()} rows in ${FILES} Parquet files (${genSecs.toFixed(1)} s)`);

    const run = () => data.readParquet(dir).groupBy('key').aggregate(new data.Sum('v'), new data.Mean('v'), new data.Count()).takeAll();
    await run(); // warm-up: workers import the modules
    const [groups, oursSecs] = await timed(run);
    const [duckGroups, duckSecs] = await duckdbGroupBy(dir);
    console.log('\ngroup-by (sum, mean, count over 1,000 keys)');
    console.log(`  ray-ts Data   ${oursSecs.toFixed(2)} s  ${(ROWS / oursSecs / 1e6).toFixed(2)} M rows/s  (${groups.length} groups)`);
    console.log(`  DuckDB        ${duckSecs.toFixed(2)} s  ${(ROWS / duckSecs / 1e6).toFixed(2)} M rows/s  (${duckGroups} groups)`);
    console.log(`  ours/DuckDB time ratio: ${(oursSecs / duckSecs).toFixed(2)}x slower (target: within 3x)`);
    ray.shutdown();

    console.log('\nmapBatches scaling (CPU-bound batch function)');
    const perCpu: number[] = [];
    for (const cpus of [1, 2]) {
      await ray.init({ numCpus: cpus });
      const ds = () => data.readParquet(dir, { columns: ['v'] }).mapBatches(heavyBatch, { batchFormat: 'columns', batchSize: 65536 }).count();
      await ds();
      const [, secs] = await timed(ds);
      perCpu.push(ROWS / secs);
      console.log(`  ${cpus} CPU: ${(ROWS / secs / 1e6).toFixed(2)} M rows/s`);
      ray.shutdown();
    }
    console.log(`  speedup 2 vs 1 CPU: ${(perCpu[1]! / perCpu[0]!).toFixed(2)}x (linear = 2.00x)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
