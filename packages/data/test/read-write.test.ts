import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ray from '@ray-ts/core';
import * as data from '../src/index.js';
import * as udfs from './fixtures/udfs.js';

let dir = '';
before(async () => {
  await ray.init({ numCpus: 2 });
  dir = mkdtempSync(join(tmpdir(), 'ray-ts-data-rw-'));
});
after(() => {
  ray.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, name: `n${i}`, score: i / 4 }));
const byId = (a: data.Row, b: data.Row) => (a.id as number) - (b.id as number);

function filesUnder(p: string): string[] {
  if (!existsSync(p)) return [];
  return readdirSync(p, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

test('parquet: write then read back; selected columns are pushed into the reader', async () => {
  const out = join(dir, 'pq');
  await data.fromItems(rows, { overrideNumBlocks: 4 }).writeParquet(out);
  assert.ok(filesUnder(out).filter((f) => f.endsWith('.parquet')).length >= 1);
  const back = await data.readParquet(out).takeAll();
  assert.deepEqual(back.sort(byId), rows);
  const projected = data.readParquet(out).selectColumns(['name']);
  assert.match(await projected.explain(), /ReadParquet\[columns=\[name\]\]->SelectColumns/);
  assert.deepEqual((await projected.takeAll()).map((r) => r.name).sort(), rows.map((r) => r.name).sort());
  assert.equal(await data.readParquet(out).filter(udfs.isEven).count(), 25);
});

test('csv and json lines: write then read back', async () => {
  const csv = join(dir, 'csv');
  await data.fromItems(rows, { overrideNumBlocks: 3 }).writeCsv(csv);
  assert.deepEqual((await data.readCsv(csv).takeAll()).sort(byId), rows);
  const json = join(dir, 'json');
  await data.fromItems(rows, { overrideNumBlocks: 3 }).map(udfs.addDouble).writeJson(json);
  assert.deepEqual((await data.readJson(json).takeAll()).sort(byId), rows.map((r) => ({ id: r.id, double: r.id * 2 })));
});

test('text and binary files', async () => {
  const f = join(dir, 'lines.txt');
  writeFileSync(f, 'alpha\nbeta\ngamma\n');
  assert.deepEqual((await data.readText(f).takeAll()).map((r) => r.text), ['alpha', 'beta', 'gamma']);
  const bin = await data.readBinaryFiles(f).takeAll();
  assert.equal(bin.length, 1);
  assert.equal(Buffer.from(bin[0]!.bytes as Uint8Array).toString(), 'alpha\nbeta\ngamma\n');
});

test('a failing write leaves nothing behind and throws DatasetWriteError', async () => {
  const out = join(dir, 'failed');
  await assert.rejects(data.range(40, { overrideNumBlocks: 4 }).map(udfs.failOnSeven).writeParquet(out), (e: unknown) => {
    assert.ok(e instanceof data.DatasetWriteError, `got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.ok(e.cause instanceof data.DataOperatorError);
    assert.equal((e.cause as data.DataOperatorError).operator, 'Map(failOnSeven)');
    return true;
  });
  assert.deepEqual(filesUnder(out), []);
});

test('bad input: a missing file and a malformed CSV line are typed errors naming the file', async () => {
  await assert.rejects(data.readCsv(join(dir, 'missing.csv')).takeAll(), (e: unknown) => e instanceof data.FileNotFoundError || (e instanceof data.DataOperatorError && e.cause instanceof data.FileNotFoundError));
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'a,b\n1,2\n3,4,5\n');
  await assert.rejects(data.readCsv(bad).takeAll(), (e: unknown) => {
    const m = e instanceof data.DataOperatorError ? e.cause : e;
    assert.ok(m instanceof data.MalformedInputError, `got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.equal(m.path, bad);
    assert.equal(m.line, 3);
    return true;
  });
});

test('many files through a directory and a glob; a schema mismatch between files names both files', async () => {
  const many = join(dir, 'many');
  await data.range(100, { overrideNumBlocks: 5 }).map(udfs.addDouble).writeCsv(many);
  assert.equal(filesUnder(many).filter((f) => f.endsWith('.csv')).length, 5);
  assert.equal(await data.readCsv(many).count(), 100);
  const globbed = await data.readCsv(join(many, 'part-0000[0-1]-*.csv')).takeAll();
  assert.deepEqual(globbed.map((r) => r.id), Array.from({ length: 40 }, (_, i) => i));
  const mixed = join(dir, 'mixed');
  await data.fromItems([{ a: 1, b: 'x' }]).writeParquet(join(mixed, 'one'));
  await data.fromItems([{ a: 'not a number', b: 'y' }]).writeParquet(join(mixed, 'two'));
  // Fewer files than read tasks: the driver reads every footer; as many: each read task checks its files.
  for (const overrideNumBlocks of [undefined, 1, 2]) {
    await assert.rejects(data.readParquet(mixed, { overrideNumBlocks }).takeAll(), (e: unknown) => {
      assert.ok(e instanceof data.SchemaMismatchError, `got ${(e as Error)?.name}: ${(e as Error)?.message}`);
      assert.match(e.message, /two\/part-.*\.parquet/);
      assert.match(e.message, /one\/part-.*\.parquet/);
      assert.match(e.message, /'a'/);
      return true;
    });
  }
  // Only the selected columns must agree.
  assert.deepEqual(await data.readParquet(mixed, { columns: ['b'], overrideNumBlocks: 1 }).takeAll(), [{ b: 'x' }, { b: 'y' }]);
});
