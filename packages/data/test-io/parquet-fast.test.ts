// The fast parquet column decoder (flat columns straight into Arrow buffers) against
// hyparquet's general decoder, on files DuckDB writes (data pages v1, PLAIN and
// dictionary encodings, nulls, several codecs) and on files our writer makes (pages v2).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetDatasource, readerFor, type ReadOptions } from '../src/io/index.js';
import { fastPathSetting } from '../src/io/parquet-pages.js';
import { blockToRows } from '../src/block/block-accessor.js';
import { Count, Max, Mean, Min, Std, Sum } from '../src/aggregate.js';
import { Aggregator } from '../src/execution/all-to-all/aggregate-states.js';
import { readAll, tempDir } from './helpers.js';

const COLUMNS = `
  i::INTEGER AS i32,
  CASE WHEN i % 7 = 3 THEN NULL ELSE i * 1000003 END::BIGINT AS i64,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i / 3 END::DOUBLE AS f64,
  (i % 100) / 4::FLOAT AS f32,
  (i % 120)::TINYINT AS i8,
  (i % 30000)::SMALLINT AS i16,
  (i % 200)::UTINYINT AS u8,
  (i * 7)::UINTEGER AS u32,
  (i * 11)::UBIGINT AS u64,
  CASE WHEN i % 4 = 0 THEN NULL ELSE 'word-' || (i % 13) || '-é' END AS dict_str,
  CASE WHEN i % 9 = 0 THEN NULL ELSE md5(i::VARCHAR) END AS plain_str,
  (i % 50)::DOUBLE AS dict_f64,
  DATE '2024-01-01' + (i % 400)::INTEGER AS d,
  TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND AS ts,
  (i % 3 = 0) AS flag,
  (i / 100)::DECIMAL(10, 2) AS dec,
  [i, i + 1] AS list`;

async function rows(path: string, fast: boolean): Promise<Record<string, unknown>[]> {
  fastPathSetting.enabled = fast;
  try {
    return (await readAll(parquetDatasource(path), 3)).blocks.flatMap(blockToRows);
  } finally {
    fastPathSetting.enabled = true;
  }
}

describe('parquet fast path', () => {
  const t = tempDir();
  after(t.cleanup);

  before(async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    for (const codec of ['snappy', 'zstd', 'uncompressed', 'gzip']) {
      await conn.run(`COPY (SELECT ${COLUMNS} FROM range(5000) t(i)) TO '${join(t.dir, `${codec}.parquet`)}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`);
    }
    conn.closeSync();
  });

  for (const codec of ['snappy', 'zstd', 'uncompressed', 'gzip']) {
    it(`reads DuckDB's ${codec} file exactly as the general decoder does`, async () => {
      const path = join(t.dir, `${codec}.parquet`);
      const before = fastPathSetting.decoded;
      const fast = await rows(path, true);
      // 14 of the 17 columns are flat and of fast-path types, in 3 row groups.
      assert.equal(fastPathSetting.decoded - before, 14 * 3);
      const slow = await rows(path, false);
      assert.equal(fast.length, 5000);
      assert.deepEqual(fast, slow);
      assert.deepEqual(fast[3], {
        ...fast[3], i32: 3, i64: null, f64: 1, i8: 3, u64: 33n, dict_str: 'word-3-é', dict_f64: 3,
      });
      assert.equal(fast[4]!.dict_str, null);
    });
  }
});

describe('parquet fast path, pages v2', () => {
  const t = tempDir();
  after(t.cleanup);
  before(async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`COPY (SELECT ${COLUMNS} FROM range(5000) t(i)) TO '${join(t.dir, 'v2.parquet')}' (FORMAT parquet, PARQUET_VERSION V2, ROW_GROUP_SIZE 2048)`);
    conn.closeSync();
  });

  it('decodes what it can (others fall back per column chunk) and agrees with the general decoder', async () => {
    const path = join(t.dir, 'v2.parquet');
    const before = fastPathSetting.decoded;
    const fast = await rows(path, true);
    assert.ok(fastPathSetting.decoded - before > 0, 'some chunks took the fast path');
    assert.deepEqual(fast, await rows(path, false));
  });
});

describe('parquet fast path, dictionaries kept', () => {
  const t = tempDir();
  after(t.cleanup);
  before(async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`COPY (SELECT ${COLUMNS} FROM range(5000) t(i)) TO '${join(t.dir, 'd.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    conn.closeSync();
  });

  it('keepDictionaries gives Dictionary vectors with the same values; a group-by over them gives the same result', async () => {
    const path = join(t.dir, 'd.parquet');
    const aggs = [new Count().spec, new Sum('dict_f64').spec, new Mean('f64').spec, new Min('dict_f64').spec, new Max('i64').spec, new Std('dict_f64').spec];
    const keySets = [['dict_str'], ['i8', 'dict_str'], []];
    /** Reads every task, using each block before the next is read (index buffers are reused). */
    const consume = async (options: ReadOptions) => {
      const rows: Record<string, unknown>[] = [];
      const types = new Set<string>();
      const aggregators = keySets.map((keys) => new Aggregator(keys, aggs));
      for (const task of await parquetDatasource(path).plan(2)) {
        for await (const b of readerFor('parquet')(task.params, options)) {
          rows.push(...blockToRows(b));
          for (const f of b.schema.fields) types.add(`${f.name}:${String(f.type).split('<')[0]}`);
          for (const a of aggregators) a.addRows(b);
        }
      }
      return { rows, types, results: aggregators.map((a) => blockToRows(a.finalBlock())) };
    };
    const kept = await consume({ keepDictionaries: true });
    const plain = await consume({});
    assert.ok(kept.types.has('dict_str:Dictionary') && kept.types.has('dict_f64:Dictionary'), [...kept.types].join(' '));
    assert.ok(!plain.types.has('dict_str:Dictionary'));
    assert.deepEqual(kept.rows, plain.rows);
    assert.deepEqual(kept.results, plain.results);
  });
});
