/**
 * The Parquet data sets of the data benchmarks, written by DuckDB (a common producer of
 * Parquet, so both engines read third-party files) into a temporary directory and kept
 * there for the next run: `<tmpdir>/ray-ts-bench-<name>-<rows>-<files>-v1/`. A manifest
 * (`_manifest.json`, ignored by readers) is written last, so an interrupted generation
 * is redone. `--regenerate` deletes and rewrites it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuck, sqlString } from './duck.js';
import { timed } from './timing.js';

/** A generated data set on disk. */
export interface DataSet {
  dir: string;
  rows: number;
  files: number;
  /** Bytes of the Parquet files. */
  bytes: number;
  /** Seconds spent writing it in this run (undefined when it was already there). */
  generatedSeconds?: number;
}

/**
 * Taxi rides, the table of the example: ride_id, pickup_ms (epoch ms),
 * vendor_id (1..3), zone (pickup zone: 1,000, low numbers busier), dropoff_zone,
 * passengers (1..6), distance_km, fare, tip (card rides) and payment. Deterministic per
 * ride id (DuckDB's `hash`).
 */
export const RIDES_SQL = `
  SELECT ride_id, pickup_ms, vendor_id, zone, dropoff_zone, passengers, distance_km, fare,
         CASE WHEN payment = 'card' THEN round(fare * u9 * 0.3, 2) ELSE 0 END AS tip, payment
  FROM (
    SELECT *, round(2.5 + 1.75 * distance_km + u7 * 2, 2) AS fare
    FROM (
      SELECT i AS ride_id,
             1704067200000 + i * 50 + (hash(i, 1) % 40000)::BIGINT AS pickup_ms,
             (1 + hash(i, 2) % 3)::INTEGER AS vendor_id,
             floor(pow((hash(i, 3) % 1000000) / 1e6, 2) * 1000)::INTEGER AS zone,
             (hash(i, 4) % 1000)::INTEGER AS dropoff_zone,
             (1 + floor(pow((hash(i, 5) % 1000000) / 1e6, 3) * 6))::INTEGER AS passengers,
             round(-ln(1 - (hash(i, 6) % 1000000) / 1e6) * 3, 2) AS distance_km,
             (hash(i, 7) % 1000000) / 1e6 AS u7,
             (hash(i, 9) % 1000000) / 1e6 AS u9,
             CASE WHEN hash(i, 8) % 10 < 6 THEN 'card' WHEN hash(i, 8) % 10 < 8 THEN 'cash'
                  WHEN hash(i, 8) % 10 < 9 THEN 'app' ELSE 'voucher' END AS payment
      FROM range(%START%, %END%) t(i)
    )
  )`;

/** Rows to sort: a random key, the row id and a value. */
export const SORT_SQL = `
  SELECT (hash(i, 11) % 1000000000) / 1e3 AS key, i AS id, (hash(i, 12) % 1000000) / 1e4 AS v
  FROM range(%START%, %END%) t(i)`;

function parquetBytes(dir: string): number {
  return readdirSync(dir).filter((f) => f.endsWith('.parquet')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/** The data set `name` of `rows` rows in `files` files, from `sql` (with `%START%`/`%END%` row ranges). */
export async function dataSet(name: string, sql: string, rows: number, files: number, regenerate = false): Promise<DataSet> {
  const dir = join(tmpdir(), `ray-ts-bench-${name}-${rows}-${files}-v1`);
  const manifest = join(dir, '_manifest.json');
  if (regenerate) rmSync(dir, { recursive: true, force: true });
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { rows: number; files: number };
    if (m.rows === rows && m.files === files) return { dir, rows, files, bytes: parquetBytes(dir) };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [, seconds] = await timed(async () => {
    const duck = await openDuck();
    try {
      for (let f = 0; f < files; f++) {
        const start = Math.floor((rows * f) / files);
        const end = Math.floor((rows * (f + 1)) / files);
        const body = sql.replace('%START%', String(start)).replace('%END%', String(end));
        const path = join(dir, `part-${String(f).padStart(4, '0')}.parquet`);
        await duck.run(`COPY (${body}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION snappy)`);
      }
    } finally {
      duck.close();
    }
  });
  writeFileSync(manifest, JSON.stringify({ rows, files, sql }));
  return { dir, rows, files, bytes: parquetBytes(dir), generatedSeconds: seconds };
}

/** `1.02 GB in 8 files (cached in /tmp/...)` or `(written by DuckDB in 12.3 s into /tmp/...)`. */
export function describeSet(d: DataSet): string {
  const where = d.generatedSeconds === undefined ? `cached in ${d.dir}` : `written by DuckDB in ${d.generatedSeconds.toFixed(1)} s into ${d.dir}`;
  return `${d.rows.toLocaleString('en-US')} rows, ${(d.bytes / 1e9).toFixed(2)} GB in ${d.files} Parquet files (${where})`;
}
