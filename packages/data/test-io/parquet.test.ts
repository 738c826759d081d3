import {
  Binary, Bool, Int8, Table, vectorFromArray, DateDay, Float32, Float64, Int32, Int64, TimestampMicrosecond, TimestampMillisecond, Utf8, type DataType,
} from 'apache-arrow';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileNotFoundError, parquetDatasink, parquetDatasource, SchemaMismatchError, tableFromColumns } from '../src/io/index.js';
import { readAll, readRows, rowsOf, runTask, tempDir, writeAll } from './helpers.js';

const col = (name: string, type: DataType, values: ArrayLike<unknown>) => ({ name, type, values });

/** A table with every flat type, nulls included. */
function sample(n: number, offset = 0) {
  const idx = Array.from({ length: n }, (_, i) => i + offset);
  return tableFromColumns([
    col('i32', new Int32(), idx.map((i) => (i % 7 === 3 ? null : i))),
    col('i64', new Int64(), idx.map((i) => BigInt(i) * 10_000_000_000n)),
    col('f64', new Float64(), Float64Array.from(idx, (i) => i / 4)),
    col('f32', new Float32(), idx.map((i) => (i % 5 === 0 ? null : i / 2))),
    col('s', new Utf8(), idx.map((i) => (i % 4 === 0 ? null : `row-${i}-é`))),
    col('b', new Bool(), idx.map((i) => (i % 3 === 0 ? null : i % 2 === 0))),
    col('ts', new TimestampMillisecond(), idx.map((i) => 1_700_000_000_000 + i * 1000)),
    col('tus', new TimestampMicrosecond(), idx.map((i) => 1_700_000_000_000_000n + BigInt(i))),
    col('d', new DateDay(), idx.map((i) => (i % 6 === 0 ? null : 19_000 + i))),
    col('bin', new Binary(), idx.map((i) => (i % 9 === 0 ? null : new Uint8Array([i & 255, 1, 2])))),
  ], n);
}

describe('parquet', () => {
  const t = tempDir();
  after(t.cleanup);
  const out = join(t.dir, 'out');

  before(async () => {
    await writeAll(parquetDatasink(out, { rowGroupRows: 100 }), [[sample(250)], [sample(150, 250), sample(100, 400)]]);
  });

  it('commits part files with final names and no temp folder', () => {
    const names = readdirSync(out).sort();
    assert.equal(names.length, 2);
    for (const n of names) assert.match(n, /^part-0000[01]-[0-9a-f-]{36}\.parquet$/);
  });

  it('round-trips values and Arrow types', async () => {
    const { blocks } = await readAll(parquetDatasource(out), 3);
    const expected = sample(500);
    const got = rowsOf(blocks);
    assert.equal(got.length, 500);
    assert.deepEqual(got, rowsOf([expected]));
    const types = Object.fromEntries(blocks[0]!.schema.fields.map((f) => [f.name, String(f.type)]));
    assert.deepEqual(types, Object.fromEntries(expected.schema.fields.map((f) => [f.name, String(f.type)])));
  });

  it('splits row groups into read tasks for parallelism', async () => {
    const ds = parquetDatasource(out);
    const one = await ds.plan(1);
    assert.equal(one.length, 1);
    const many = await ds.plan(5);
    assert.equal(many.length, 5); // 6 row groups (100/100/50 + 100/100/50... per file) in 5 tasks
    assert.equal(many.reduce((s, x) => s + (x.estimatedRows ?? 0), 0), 500);
    let rows = 0;
    for (const task of many) for (const b of await runTask(task)) rows += b.numRows;
    assert.equal(rows, 500);
  });

  it('pushes down columns and limit', async () => {
    const { blocks } = await readAll(parquetDatasource(out), 2, { columns: ['s', 'i32'], limit: 130 });
    assert.deepEqual(blocks[0]!.schema.fields.map((f) => f.name), ['s', 'i32']);
    const rows = rowsOf(blocks);
    assert.ok(rows.length >= 130 && rows.length <= 260, `limit per task: ${rows.length}`);
    const single = await readAll(parquetDatasource(out, { columns: ['f64'] }), 1, { limit: 130, blockRows: 50 });
    assert.equal(rowsOf(single.blocks).length, 130);
    assert.ok(single.blocks.every((b) => b.numRows <= 50));
  });

  it('adds a path column and reads globs and file lists', async () => {
    const files = readdirSync(out).map((n) => join(out, n)).sort();
    const rows = await readRows(parquetDatasource([files[1]!, files[0]!], { includePaths: true, columns: ['i64', 'path'] }), 2);
    assert.equal(rows.length, 500);
    assert.equal(rows[0]!.path, files[1]);
    assert.deepEqual(Object.keys(rows[0]!), ['i64', 'path']);
    assert.equal((await readRows(parquetDatasource(join(t.dir, '*/part-*.parquet')))).length, 500);
    assert.equal((await readRows(parquetDatasource(join(t.dir, '**/*.parquet')))).length, 500);
  });

  it('throws FileNotFoundError naming a missing path', async () => {
    const missing = join(t.dir, 'nope.parquet');
    await assert.rejects(parquetDatasource(missing).plan(1), (e: unknown) => e instanceof FileNotFoundError && e.path === missing && e.message.includes(missing));
    await assert.rejects(parquetDatasource(join(t.dir, 'nope/*.parquet')).plan(1), FileNotFoundError);
  });

  it('throws SchemaMismatchError naming both files (at plan time, or in the read task with a task per file)', async () => {
    const dir = join(t.dir, 'mixed');
    await writeAll(parquetDatasink(join(dir, 'a')), [[tableFromColumns([col('x', new Int32(), [1, 2])], 2)]]);
    await writeAll(parquetDatasink(join(dir, 'b')), [[tableFromColumns([col('x', new Utf8(), ['1', '2'])], 2)]]);
    const [a] = readdirSync(join(dir, 'a')).map((n) => join(dir, 'a', n));
    const [b] = readdirSync(join(dir, 'b')).map((n) => join(dir, 'b', n));
    const mismatch = (e: unknown) => {
      assert.ok(e instanceof SchemaMismatchError);
      assert.equal(e.path, b);
      assert.equal(e.expectedFrom, a);
      assert.ok(e.message.includes(a!) && e.message.includes(b!), e.message);
      return true;
    };
    // Fewer files than tasks: the driver reads every footer while planning.
    await assert.rejects(parquetDatasource(dir).plan(4), mismatch);
    // A task per file: planning reads the first footer only; the task reading b checks it.
    const tasks = await parquetDatasource(dir).plan(2);
    assert.equal(tasks.length, 2);
    await runTask(tasks[0]!);
    await assert.rejects(runTask(tasks[1]!), mismatch);
  });

  it('writes sliced tables, dictionary strings and small ints', async () => {
    const dir = join(t.dir, 'sliced');
    const base = sample(300);
    const dict = new Table({ k: vectorFromArray(['a', 'b', null, 'a']), n: vectorFromArray([1, 2, 3, 4], new Int8()) });
    await writeAll(parquetDatasink(dir), [[base.slice(37, 250), base.slice(250)]]);
    assert.deepEqual(await readRows(parquetDatasource(dir)), rowsOf([base.slice(37)]));
    const dir2 = join(t.dir, 'dict');
    await writeAll(parquetDatasink(dir2), [[dict.slice(1)]]);
    const { blocks } = await readAll(parquetDatasource(dir2));
    assert.deepEqual(rowsOf(blocks), [{ k: 'b', n: 2 }, { k: null, n: 3 }, { k: 'a', n: 4 }]);
    assert.deepEqual(blocks[0]!.schema.fields.map((f) => String(f.type)), ['Utf8', 'Int8']);
  });

  it('reads files written by another writer (parquetjs-lite, gzip)', async () => {
    const require = createRequire(import.meta.url);
    const parquet = require('parquetjs-lite');
    const schema = new parquet.ParquetSchema({
      name: { type: 'UTF8', compression: 'GZIP' },
      qty: { type: 'INT64', optional: true },
      price: { type: 'DOUBLE' },
      when: { type: 'TIMESTAMP_MILLIS' },
    });
    const path = join(t.dir, 'other.parquet');
    const w = await parquet.ParquetWriter.openFile(schema, path);
    await w.appendRow({ name: 'apple', qty: 3, price: 1.5, when: new Date(1000) });
    await w.appendRow({ name: 'pear', price: 2.25, when: new Date(2000) });
    await w.close();
    const rows = await readRows(parquetDatasource(path));
    assert.deepEqual(rows, [
      { name: 'apple', qty: 3n, price: 1.5, when: 1000 },
      { name: 'pear', qty: null, price: 2.25, when: 2000 },
    ]);
  });
});
