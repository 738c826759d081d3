import { Int32, Utf8, type Table } from 'apache-arrow';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  csvDatasink, DataSinkError, parquetDatasink, parquetDatasource, tableFromColumns, writerFor, type WriteResult,
} from '../src/io/index.js';
import { readRows, tempDir, writeAll } from './helpers.js';

const ints = (name: string, values: number[]): Table => tableFromColumns([{ name, type: new Int32(), values }], values.length);

describe('datasinks: temp names, commit and abort', () => {
  const t = tempDir();
  after(t.cleanup);

  it('abort after a failed task leaves the destination as it was', async () => {
    const out = join(t.dir, 'abort');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'existing');
    const sink = parquetDatasink(out);
    await sink.start();
    const results: WriteResult[] = [];
    results.push(await writerFor(sink.kind)((async function* () { yield ints('a', [1, 2]); })(), sink.params, { taskIndex: 0 }));
    assert.equal(readdirSync(out).length, 2, 'temp folder exists while writing');
    assert.deepEqual(await readRows(parquetDatasource(out)).catch((e) => e.constructor.name), 'FileNotFoundError', 'readers skip the temp folder');
    const failing = (async function* () {
      yield ints('a', [3]);
      throw new Error('user function failed on row 4');
    })();
    await assert.rejects(writerFor(sink.kind)(failing, sink.params, { taskIndex: 1 }), /row 4/);
    await sink.abort(results);
    assert.deepEqual(readdirSync(out), ['keep.txt']);
  });

  it('commit numbers files in task order and appends to existing data', async () => {
    const out = join(t.dir, 'commit');
    await writeAll(parquetDatasink(out), [[ints('a', [1])], [ints('a', [2])]]);
    await writeAll(parquetDatasink(out), [[ints('a', [3])]]);
    const names = readdirSync(out).sort();
    assert.equal(names.length, 3);
    assert.ok(names.every((n) => /^part-\d{5}-[0-9a-f-]{36}\.parquet$/.test(n)));
    assert.deepEqual((await readRows(parquetDatasource(out), 3)).map((r) => r.a).sort(), [1, 2, 3]);
  });

  it('a task with no rows writes no file', async () => {
    const out = join(t.dir, 'empty');
    const results = await writeAll(csvDatasink(out), [[], [ints('a', [1])]]);
    assert.deepEqual(results.map((r) => r.files.length), [0, 1]);
    assert.equal(readdirSync(out).length, 1);
  });

  it('blocks with different schemas in one parquet file throw DataSinkError', async () => {
    const out = join(t.dir, 'schemas');
    const other = tableFromColumns([{ name: 'a', type: new Utf8(), values: ['x'] }], 1);
    await assert.rejects(writeAll(parquetDatasink(out), [[ints('a', [1]), other]]), DataSinkError);
    assert.equal(existsSync(out) ? readdirSync(out).length : 0, 0);
  });

  it('checks options, naming the field', () => {
    assert.throws(() => parquetDatasink(t.dir, { maxRowsPerFile: 0 }), /options\.maxRowsPerFile must be a positive integer/);
    assert.throws(() => parquetDatasink(t.dir, { codec: 'LZO' as never }), /options\.codec/);
    assert.throws(() => csvDatasink(''), /path must be a non-empty string/);
  });
});
