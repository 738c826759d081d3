import { Bool, DateDay, Float64, Int32, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jsonDatasink, jsonDatasource, MalformedInputError, SchemaMismatchError, tableFromColumns } from '../src/io/index.js';
import { readAll, readRows, rowsOf, tempDir, writeAll } from './helpers.js';

const col = (name: string, type: DataType, values: ArrayLike<unknown>) => ({ name, type, values });

describe('json lines', () => {
  const t = tempDir();
  after(t.cleanup);

  it('round-trips values and types', async () => {
    const n = 200;
    const idx = Array.from({ length: n }, (_, i) => i);
    const table = tableFromColumns([
      col('id', new Int32(), idx),
      col('x', new Float64(), idx.map((i) => (i % 10 === 0 ? null : i / 8))),
      col('name', new Utf8(), idx.map((i) => (i % 3 === 0 ? null : `n "${i}"\n`))),
      col('ok', new Bool(), idx.map((i) => i % 2 === 0)),
      col('day', new DateDay(), idx.map((i) => 19_000 + i)),
      col('at', new TimestampMillisecond(), idx.map((i) => 1_700_000_000_123 + i)),
    ], n);
    const out = join(t.dir, 'rt');
    await writeAll(jsonDatasink(out, { maxRowsPerFile: 64 }), [[table.slice(0, 70)], [table.slice(70)]]);
    assert.equal(readdirSync(out).length, 5); // 64+6 and 64+64+2 rows
    const { blocks } = await readAll(jsonDatasource(out, { schema: { id: 'int32' } }), 3);
    assert.deepEqual(rowsOf(blocks), rowsOf([table]));
    assert.deepEqual(blocks[0]!.schema.fields.map((f) => String(f.type)), table.schema.fields.map((f) => String(f.type)));
  });

  it('reads nested lists and structs, and JSON array files', async () => {
    const p = join(t.dir, 'nested.jsonl');
    writeFileSync(p, '{"a":[1,2],"s":{"k":"x","n":1}}\n\n{"a":null,"s":{"k":"y"}}\n');
    const rows = await readRows(jsonDatasource(p));
    assert.deepEqual(JSON.parse(JSON.stringify(rows)), [
      { a: [1, 2], s: { k: 'x', n: 1 } },
      { a: null, s: { k: 'y', n: null } },
    ]);
    const arr = join(t.dir, 'array.json');
    writeFileSync(arr, '[\n {"a": 1},\n {"a": 2}\n]\n');
    assert.deepEqual(await readRows(jsonDatasource(arr)), [{ a: 1 }, { a: 2 }]);
  });

  it('throws MalformedInputError with file and line for a bad line', async () => {
    const p = join(t.dir, 'bad.jsonl');
    writeFileSync(p, '{"a":1}\n{"a":2}\n{"a":3,,}\n');
    await assert.rejects(readAll(jsonDatasource(p)), (e: unknown) => {
      assert.ok(e instanceof MalformedInputError, String(e));
      assert.equal(e.path, p);
      assert.equal(e.line, 3);
      assert.ok(e.message.startsWith(`${p}:3: not valid JSON`), e.message);
      return true;
    });
    writeFileSync(p, '{"a":1}\n[1,2]\n');
    await assert.rejects(readAll(jsonDatasource(p)), (e: unknown) => e instanceof MalformedInputError && e.line === 2);
  });

  it('throws SchemaMismatchError naming both files for a key the first file lacks', async () => {
    const dir = join(t.dir, 'mismatch');
    mkdirSync(dir);
    writeFileSync(join(dir, '1.jsonl'), '{"a":1}\n');
    writeFileSync(join(dir, '2.jsonl'), '{"a":1}\n{"a":2,"b":3}\n');
    await assert.rejects(readAll(jsonDatasource(dir), 1), (e: unknown) => {
      assert.ok(e instanceof SchemaMismatchError);
      assert.equal(e.path, join(dir, '2.jsonl'));
      assert.equal(e.expectedFrom, join(dir, '1.jsonl'));
      assert.match(e.message, /line 2 has key 'b'/);
      return true;
    });
    const rows = await readRows(jsonDatasource(dir, { schema: { b: 'float64' } }), 1);
    assert.deepEqual(rows, [{ a: 1, b: null }, { a: 1, b: null }, { a: 2, b: 3 }]);
  });

  it('projects, limits and writes every column of every row', async () => {
    const p = join(t.dir, 'many.jsonl');
    writeFileSync(p, Array.from({ length: 10 }, (_, i) => JSON.stringify({ i, s: `v${i}` })).join('\n'));
    assert.deepEqual(await readRows(jsonDatasource(p), 1, { columns: ['s'], limit: 2, blockRows: 1 }), [{ s: 'v0' }, { s: 'v1' }]);
    const out = join(t.dir, 'w');
    await writeAll(jsonDatasink(out), [[tableFromColumns([col('a', new Int32(), [1, null])], 2)]]);
    const [name] = readdirSync(out);
    assert.equal(readFileSync(join(out, name!), 'utf8'), '{"a":1}\n{"a":null}\n');
  });
});
