import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { binaryDatasource, FileNotFoundError, textDatasource } from '../src/io/index.js';
import { readAll, readRows, tempDir } from './helpers.js';

describe('text and binary files', () => {
  const t = tempDir();
  after(t.cleanup);
  mkdirSync(join(t.dir, 'd', 'deep'), { recursive: true });
  writeFileSync(join(t.dir, 'd', 'a.txt'), 'one\ntwo\r\n\nthree');
  writeFileSync(join(t.dir, 'd', 'deep', 'b.txt'), 'four\n');
  writeFileSync(join(t.dir, 'd', '.hidden'), 'secret');

  it('reads one row per line, skipping hidden files', async () => {
    const rows = await readRows(textDatasource(join(t.dir, 'd')), 2);
    assert.deepEqual(rows.map((r) => r.text), ['one', 'two', '', 'three', 'four']);
    const dropped = await readRows(textDatasource(join(t.dir, 'd'), { dropEmptyLines: true, includePaths: true }), 1, { limit: 4 });
    assert.deepEqual(dropped.map((r) => r.text), ['one', 'two', 'three', 'four']);
    assert.equal(dropped[3]!.path, join(t.dir, 'd', 'deep', 'b.txt'));
  });

  it('reads whole files as path and bytes', async () => {
    const { blocks, tasks } = await readAll(binaryDatasource(join(t.dir, 'd', '**', '?.txt')), 2);
    assert.equal(tasks.length, 2);
    const rows = blocks.flatMap((b) => [...b].map((r) => r.toJSON()));
    assert.deepEqual(rows.map((r) => r.path), [join(t.dir, 'd', 'a.txt'), join(t.dir, 'd', 'deep', 'b.txt')]);
    assert.equal(Buffer.from(rows[1]!.bytes as Uint8Array).toString(), 'four\n');
    assert.equal(String(blocks[0]!.schema.fields[1]!.type), 'Binary');
  });

  it('throws FileNotFoundError for a missing path, naming it', async () => {
    const p = join(t.dir, 'missing.txt');
    await assert.rejects(textDatasource(p).plan(1), (e: unknown) => e instanceof FileNotFoundError && e.message.includes(p));
    await assert.rejects(binaryDatasource([join(t.dir, 'd'), p]).plan(1), FileNotFoundError);
  });

  it('checks options, naming the field', () => {
    assert.throws(() => textDatasource(t.dir, { includePaths: 'yes' as never }), /options\.includePaths must be a boolean/);
    assert.throws(() => textDatasource([]), /paths must be/);
  });
});
