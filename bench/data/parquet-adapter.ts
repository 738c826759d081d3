/**
 * Our Parquet reader against the other pure-JS one: reads one parquet file (1M rows: two
 * ints, two doubles, one string) with the `parquet` reader of @ray-ts/data (flat columns
 * decoded straight into Arrow buffers, hyparquet for metadata and the rest) and with
 * parquetjs-lite (row objects, the other pure-JS reader), and prints rows/s of each and
 * the ratio. The file is written by parquetjs-lite, so it is one both can read (it cannot
 * read hyparquet-writer's version-2 files); our writer's speed is printed for reference.
 *
 *   node --conditions=development --import tsx bench/data/parquet-adapter.ts [--rows N] [--budget S] [--json out.json]
 *
 * parquetjs-lite reads whole row groups (its fastest API) for at most `--budget` seconds
 * (default 15); its rows/s is taken over the rows it read. The run stays under a minute.
 */
import { Float64, Int32, Int64, Utf8 } from 'apache-arrow';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  parquetDatasink, parquetDatasource, readerFor, tableFromColumns, writerFor,
} from '../../packages/data/src/io/index.js';

// parquetjs-lite is a dev dependency of the data package.
const requireData = createRequire(new URL('../../packages/data/package.json', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const parquetjs = requireData('parquetjs-lite') as any;

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, budget: { type: 'string', default: '15' }, json: { type: 'string' } },
});
const ROWS = Number(args.rows);
const BUDGET_S = Number(args.budget);
const ROW_GROUP = 131_072;

const row = (i: number) => ({ id: i, qty: i % 1000, x: i / 3, y: Math.sin(i), name: `customer-${i % 5000}` });

/** Seconds taken by `fn`. */
async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

async function writeWithParquetjs(path: string): Promise<void> {
  const schema = new parquetjs.ParquetSchema({
    id: { type: 'INT32', compression: 'SNAPPY' },
    qty: { type: 'INT64', compression: 'SNAPPY' },
    x: { type: 'DOUBLE', compression: 'SNAPPY' },
    y: { type: 'DOUBLE', compression: 'SNAPPY' },
    name: { type: 'UTF8', compression: 'SNAPPY' },
  });
  const w = await parquetjs.ParquetWriter.openFile(schema, path);
  w.setRowGroupSize(ROW_GROUP);
  for (let i = 0; i < ROWS; i++) await w.appendRow(row(i));
  await w.close();
}

async function writeWithOurs(dir: string): Promise<void> {
  const idx = Array.from({ length: ROWS }, (_, i) => row(i));
  const table = tableFromColumns([
    { name: 'id', type: new Int32(), values: Int32Array.from(idx, (r) => r.id) },
    { name: 'qty', type: new Int64(), values: BigInt64Array.from(idx, (r) => BigInt(r.qty)) },
    { name: 'x', type: new Float64(), values: Float64Array.from(idx, (r) => r.x) },
    { name: 'y', type: new Float64(), values: Float64Array.from(idx, (r) => r.y) },
    { name: 'name', type: new Utf8(), values: idx.map((r) => r.name) },
  ], ROWS);
  const sink = parquetDatasink(dir, { rowGroupRows: ROW_GROUP });
  await sink.start();
  const result = await writerFor('parquet')((async function* () { yield table; })(), sink.params, { taskIndex: 0 });
  await sink.commit([result]);
}

/** Our adapter: one read task over the whole file, Arrow blocks. Returns rows read and a sample row. */
async function readWithOurs(path: string): Promise<[number, unknown]> {
  const [task] = await parquetDatasource(path).plan(1);
  let rows = 0;
  let first: unknown;
  for await (const block of readerFor('parquet')(task!.params, {})) {
    first ??= block.get(0)?.toJSON();
    rows += block.numRows;
  }
  return [rows, first];
}

/**
 * parquetjs-lite at its fastest: whole row groups of row objects (`nextRowGroup`; its
 * row-at-a-time `next()` shifts a 131k-element array per row and is far slower), for at
 * most the time budget.
 */
async function readWithParquetjs(path: string): Promise<[number, unknown, number]> {
  const t0 = performance.now();
  const reader = await parquetjs.ParquetReader.openFile(path);
  const cursor = reader.getCursor();
  let rows = 0;
  let first: unknown;
  for (let g = await cursor.nextRowGroup(); g; g = await cursor.nextRowGroup()) {
    first ??= g[0];
    rows += g.length;
    if (performance.now() - t0 > BUDGET_S * 1000) break;
  }
  await reader.close();
  return [rows, first, (performance.now() - t0) / 1000];
}

/** One row group through parquetjs-lite, so both readers are measured after JIT warm-up. */
async function warmParquetjs(path: string): Promise<void> {
  const reader = await parquetjs.ParquetReader.openFile(path);
  await reader.getCursor().nextRowGroup();
  await reader.close();
}

const dir = mkdtempSync(join(tmpdir(), 'ray-ts-bench-parquet-'));
try {
  const file = join(dir, 'parquetjs.parquet');
  const [, wJs] = await time(() => writeWithParquetjs(file));
  const [, wOurs] = await time(() => writeWithOurs(join(dir, 'ours')));  // read back below
  const mb = statSync(file).size / 1e6;

  await readWithOurs(file); // warm-up (JIT)
  const rounds: number[] = [];
  let ours: [number, unknown] = [0, undefined];
  for (let i = 0; i < 3; i++) {
    const [r, s] = await time(() => readWithOurs(file));
    ours = r;
    rounds.push(s);
  }
  const oursS = rounds.sort((a, b) => a - b)[1]!; // median of 3
  const oursDir = join(dir, 'ours');
  const [[oursFileRows], oursFileS] = await time(() => readWithOurs(oursDir));
  await warmParquetjs(file);
  const [jsRows, jsFirst, jsS] = await readWithParquetjs(file);

  const oursRate = ours[0] / oursS;
  const jsRate = jsRows / jsS;
  const sameFirst = JSON.stringify(ours[1], (_, v) => (typeof v === 'bigint' ? Number(v) : v)) ===
    JSON.stringify(jsFirst, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`parquet file: ${fmt(ROWS)} rows, ${mb.toFixed(1)} MB (snappy, ${Math.ceil(ROWS / ROW_GROUP)} row groups), written by parquetjs-lite`);
  console.log('');
  console.log('| reader | rows read | seconds | rows/s |');
  console.log('|---|---|---|---|');
  console.log(`| ray-ts reader → Arrow (ours) | ${fmt(ours[0])} | ${oursS.toFixed(2)} | ${fmt(oursRate)} |`);
  console.log(`| parquetjs-lite row groups of objects (reference) | ${fmt(jsRows)} | ${jsS.toFixed(2)} | ${fmt(jsRate)} |`);
  console.log('');
  console.log(`ratio ours / parquetjs-lite: ${(oursRate / jsRate).toFixed(1)}x  (first rows equal: ${sameFirst})`);
  console.log(`writing ${fmt(ROWS)} rows: ray-ts (hyparquet-writer) ${wOurs.toFixed(2)} s, parquetjs-lite ${wJs.toFixed(2)} s (${(wJs / wOurs).toFixed(1)}x)`);
  console.log(`ours on the file our writer made (dictionary pages, nullable columns): ${fmt(oursFileRows / oursFileS)} rows/s`);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({
      rows: ROWS, fileMB: mb,
      ours: { rows: ours[0], seconds: oursS, rowsPerSec: oursRate },
      reference: { name: 'parquetjs-lite', rows: jsRows, seconds: jsS, rowsPerSec: jsRate },
      ratio: oursRate / jsRate,
      oursOnOwnFileRowsPerSec: oursFileRows / oursFileS,
      write: { oursSeconds: wOurs, parquetjsSeconds: wJs },
    }, null, 2));
  }
  if (!sameFirst) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
