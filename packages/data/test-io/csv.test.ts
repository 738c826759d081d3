import { Bool, DateDay, Float64, Int32, Int64, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { csvDatasink, csvDatasource, MalformedInputError, SchemaMismatchError, tableFromColumns } from '../src/io/index.js';
import { readAll, readRows, rowsOf, tempDir, writeAll } from './helpers.js';

const col = (name: string, type: DataType, values: ArrayLike<unknown>) => ({ name, type, values });

describe('csv', () => {
  const t = tempDir();
  after(t.cleanup);

  it('round-trips values and types (with a schema for the integer columns)', async () => {
    const n = 300;
    const idx = Array.from({ length: n }, (_, i) => i);
    const table = tableFromColumns([
      col('id', new Int32(), idx),
      col('big', new Int64(), idx.map((i) => BigInt(i) * 3_000_000_000n)),
      col('x', new Float64(), idx.map((i) => (i % 10 === 0 ? null : i / 8))),
      col('name', new Utf8(), idx.map((i) => (i % 3 === 0 ? null : `n,"${i}"\nline`))),
      col('ok', new Bool(), idx.map((i) => i % 2 === 0)),
      col('day', new DateDay(), idx.map((i) => 19_000 + i)),
      col('at', new TimestampMillisecond(), idx.map((i) => 1_700_000_000_123 + i)),
    ], n);
    const out = join(t.dir, 'rt');
    await writeAll(csvDatasink(out), [[table.slice(0, 100)], [table.slice(100)]]);
    const { blocks } = await readAll(csvDatasource(out, { schema: { id: 'int32', big: 'int64' } }), 2);
    assert.deepEqual(rowsOf(blocks), rowsOf([table]));
    assert.deepEqual(blocks[0]!.schema.fields.map((f) => String(f.type)), table.schema.fields.map((f) => String(f.type)));
  });

  it('infers float64, bool, date, timestamp, string; empty cells are null', async () => {
    const p = join(t.dir, 'infer.csv');
    writeFileSync(p, 'a,b,c,d,e,f\n1,true,2024-01-02,2024-01-02T03:04:05Z,x,\n2.5,FALSE,2024-02-03,2024-01-02 03:04:05,,\n');
    const { blocks } = await readAll(csvDatasource(p));
    assert.deepEqual(blocks[0]!.schema.fields.map((f) => String(f.type)), ['Float64', 'Bool', 'Date32<DAY>', 'Timestamp<MILLISECOND>', 'Utf8', 'Utf8']);
    assert.deepEqual(rowsOf(blocks), [
      { a: 1, b: true, c: Date.UTC(2024, 0, 2), d: Date.UTC(2024, 0, 2, 3, 4, 5), e: 'x', f: null },
      { a: 2.5, b: false, c: Date.UTC(2024, 1, 3), d: Date.UTC(2024, 0, 2, 3, 4, 5), e: null, f: null },
    ]);
  });

  it('throws MalformedInputError with file and line for a bad line', async () => {
    const p = join(t.dir, 'bad.csv');
    writeFileSync(p, 'a,b\n1,2\n3,4\n5,6,7\n8,9\n');
    await assert.rejects(readAll(csvDatasource(p)), (e: unknown) => {
      assert.ok(e instanceof MalformedInputError, String(e));
      assert.equal(e.path, p);
      assert.equal(e.line, 4);
      assert.ok(e.message.startsWith(`${p}:4:`), e.message);
      return true;
    });
  });

  it('throws MalformedInputError for a value that does not fit the inferred type', async () => {
    const p = join(t.dir, 'types.csv');
    writeFileSync(p, `a\n${Array.from({ length: 5 }, (_, i) => i).join('\n')}\nabc\n`);
    await assert.rejects(readAll(csvDatasource(p, { inferRows: 3 })), (e: unknown) => {
      assert.ok(e instanceof MalformedInputError);
      assert.equal(e.line, 7);
      assert.match(e.message, /column 'a': "abc" is not a float64.*schema/);
      return true;
    });
    assert.equal((await readRows(csvDatasource(p, { schema: { a: 'string' } })))[5]!.a, 'abc');
  });

  it('throws SchemaMismatchError naming both files when headers differ', async () => {
    const dir = join(t.dir, 'mismatch');
    mkdirSync(dir);
    writeFileSync(join(dir, '1.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, '2.csv'), 'a,c\n1,2\n');
    await assert.rejects(readAll(csvDatasource(dir), 1), (e: unknown) => {
      assert.ok(e instanceof SchemaMismatchError);
      assert.equal(e.path, join(dir, '2.csv'));
      assert.equal(e.expectedFrom, join(dir, '1.csv'));
      return true;
    });
  });

  it('reads gzip, globs, projection, limit, paths and files without a header', async () => {
    const dir = join(t.dir, 'many');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.csv'), 'k,v\n1,a\n2,b\n');
    writeFileSync(join(dir, 'sub', 'b.csv.gz'), gzipSync('k,v\n3,c\n4,d\n'));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    writeFileSync(join(dir, '_SUCCESS'), '');
    const rows = await readRows(csvDatasource(dir, { includePaths: true }), 4);
    assert.deepEqual(rows.map((r) => [r.k, r.v]), [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]);
    assert.equal(rows[2]!.path, join(dir, 'sub', 'b.csv.gz'));
    const proj = await readRows(csvDatasource(join(dir, '**/*.csv*')), 1, { columns: ['v'], limit: 3 });
    assert.deepEqual(proj, [{ v: 'a' }, { v: 'b' }, { v: 'c' }]);
    writeFileSync(join(dir, 'nohead.tsv'), '1\tx\n2\ty\n');
    const nh = await readRows(csvDatasource(join(dir, 'nohead.tsv'), { header: false, delimiter: '\t', columnNames: ['n', 's'] }));
    assert.deepEqual(nh, [{ n: 1, s: 'x' }, { n: 2, s: 'y' }]);
  });

  it('writes a header, one file per task, and no temp files', async () => {
    const out = join(t.dir, 'w');
    const table = tableFromColumns([col('a', new Int32(), [1, 2]), col('b', new Utf8(), ['x', null])], 2);
    await writeAll(csvDatasink(out, { maxRowsPerFile: 1 }), [[table]]);
    const names = readdirSync(out).sort();
    assert.equal(names.length, 2);
    assert.equal(readFileSync(join(out, names[0]!), 'utf8'), 'a,b\n1,x\n');
    assert.equal(readFileSync(join(out, names[1]!), 'utf8'), 'a,b\n2,\n');
  });
});
