import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { create as tarCreate } from 'tar';
import { RayError } from '../errors.js';
import { compileExcludes } from './exclude-patterns.js';
import { findNodeModules, isWorkingDirUri, packWorkingDir, unpackWorkingDir, WorkingDirError } from './working-dir.js';

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ray-ts-wd-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes `files` (relative path -> content) under `root`. */
function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

/** Every file under `root` (relative, `/`-separated, sorted), following no links. */
function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (lstatSync(join(root, r)).isDirectory()) out.push(...listFiles(root, r));
    else out.push(r);
  }
  return out;
}

async function packed(files: Record<string, string | Uint8Array>, excludes?: string[]): Promise<string[]> {
  const src = tempDir();
  writeTree(src, files);
  const { uri, bytes } = await packWorkingDir(src, { excludes });
  return listFiles(await unpackWorkingDir(uri, bytes, join(tempDir(), 'cache')));
}

async function rejectsWorkingDir(p: Promise<unknown>, re?: RegExp): Promise<WorkingDirError> {
  const err = await p.then(
    () => assert.fail('expected a WorkingDirError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkingDirError, `expected WorkingDirError, got ${String(err)}`);
  assert.ok(err instanceof RayError);
  assert.equal(err.code, 'WORKING_DIR');
  if (re) assert.match(err.message, re);
  return err;
}

/** A .tar.gz holding `entries` (archive path -> absolute file to read), paths kept as given. */
async function craftedTar(cwd: string, entries: string[]): Promise<{ uri: string; bytes: Uint8Array }> {
  const chunks: Buffer[] = [];
  for await (const c of tarCreate({ cwd, gzip: true, preservePaths: true }, entries)) chunks.push(c);
  const bytes = new Uint8Array(Buffer.concat(chunks));
  const { createHash } = await import('node:crypto');
  return { uri: `wd://${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.tar.gz`, bytes };
}

describe('packWorkingDir / unpackWorkingDir', () => {
  it('round-trips nested text and binary files byte-exactly', async () => {
    const src = tempDir();
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(40)}.txt`; // needs a pax header
    const files = {
      'main.mjs': 'export const x = 1;\n',
      'lib/util.ts': 'export {}\n',
      'lib/deep/er/data.bin': randomBytes(70_000),
      'empty.txt': '',
      '@scoped.txt': 'leading at-sign',
      'ünïcode name.txt': 'ok',
      [long]: 'long path',
    };
    writeTree(src, files);
    writeFileSync(join(src, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(src, 'run.sh'), 0o700);
    mkdirSync(join(src, 'empty-dir'));
    const res = await packWorkingDir(src);
    assert.ok(isWorkingDirUri(res.uri), res.uri);
    assert.equal(res.files, Object.keys(files).length + 1);
    assert.equal(res.size, 20 + 10 + 70_000 + 15 + 2 + 9 + 10);
    const dir = await unpackWorkingDir(res.uri, res.bytes, join(tempDir(), 'cache'));
    assert.deepEqual(listFiles(dir), [...Object.keys(files), 'run.sh'].sort());
    for (const [rel, content] of Object.entries(files)) assert.deepEqual(readFileSync(join(dir, rel)), Buffer.from(content));
    assert.ok(statSync(join(dir, 'empty-dir')).isDirectory());
    assert.equal(statSync(join(dir, 'run.sh')).mode & 0o100, 0o100, 'executable bit kept');
  });

  it('leaves out node_modules and .git at any depth', async () => {
    const got = await packed({
      'a.ts': 'a',
      'node_modules/x/index.js': 'x',
      '.git/HEAD': 'ref',
      'sub/node_modules/y.js': 'y',
      'sub/.git/config': 'c',
      'sub/b.ts': 'b',
      '.gitignore': 'kept',
    });
    assert.deepEqual(got, ['.gitignore', 'a.ts', 'sub/b.ts']);
  });

  it('honours gitignore-style excludes', async () => {
    const got = await packed(
      {
        'top.txt': 'excluded: anchored',
        'sub/top.txt': 'kept: anchor is the root',
        'app.log': 'x',
        'sub/deep/app.log': 'x',
        'data/big.bin': 'x',
        'sub/data/more.bin': 'x',
        'sub/data.txt': 'kept',
        'other/data': 'kept: data/ matches directories only',
        'keep.ts': 'k',
      },
      ['*.log', 'data/', '/top.txt'],
    );
    assert.deepEqual(got, ['keep.ts', 'other/data', 'sub/data.txt', 'sub/top.txt']);
  });

  it('is deterministic across repacks, copies, mtimes, modes and hard links', async () => {
    const src = tempDir();
    writeTree(src, { 'a.txt': 'alpha', 'b/c.bin': randomBytes(5000), 'b/d/e.txt': 'e' });
    linkSync(join(src, 'a.txt'), join(src, 'hard.txt'));
    chmodSync(join(src, 'b/d/e.txt'), 0o600);
    const first = await packWorkingDir(src);
    const again = await packWorkingDir(src);
    assert.equal(again.uri, first.uri);
    assert.deepEqual(again.bytes, first.bytes);

    const copy = join(tempDir(), 'copy');
    cpSync(src, copy, { recursive: true }); // hard.txt becomes a separate file
    chmodSync(join(copy, 'b/d/e.txt'), 0o664);
    const old = new Date('2001-02-03T04:05:06Z');
    for (const rel of ['a.txt', 'hard.txt', 'b/c.bin', 'b/d/e.txt', 'b/d', 'b']) utimesSync(join(copy, rel), old, old);
    const copied = await packWorkingDir(copy);
    assert.equal(copied.uri, first.uri);
  });

  it('packs links inside the directory as files and skips links outside, warning once', async (t) => {
    const src = tempDir();
    const outside = tempDir();
    writeTree(src, { 'real/f.txt': 'inside' });
    writeFileSync(join(outside, 'secret.txt'), 'outside');
    symlinkSync(join(src, 'real/f.txt'), join(src, 'link.txt'));
    symlinkSync('real', join(src, 'linkdir'));
    symlinkSync(join(outside, 'secret.txt'), join(src, 'out.txt'));
    symlinkSync(outside, join(src, 'outdir'));
    symlinkSync('.', join(src, 'loop'));
    symlinkSync('missing', join(src, 'dangling'));
    const warn = t.mock.method(console, 'warn', () => {});
    const { uri, bytes } = await packWorkingDir(src);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]!.arguments[0]), /skipped 4 symbolic link/);
    const dir = await unpackWorkingDir(uri, bytes, join(tempDir(), 'cache'));
    assert.deepEqual(listFiles(dir), ['link.txt', 'linkdir/f.txt', 'real/f.txt']);
    assert.ok(!lstatSync(join(dir, 'link.txt')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'link.txt'), 'utf8'), 'inside');
  });

  it('throws WorkingDirError naming the limit when the package is too large', async () => {
    const src = tempDir();
    writeTree(src, { 'big.bin': randomBytes(64 * 1024), 'small.txt': 'x' });
    const err = await rejectsWorkingDir(packWorkingDir(src, { maxBytes: 4096 }), /4096 bytes/);
    assert.match(err.message, /excludes/);
    assert.match(err.message, /big\.bin/);
    assert.equal(err.dir, src);
  });

  it('throws WorkingDirError for a missing directory or a file, and a RangeError for a bad option', async () => {
    const root = tempDir();
    await rejectsWorkingDir(packWorkingDir(join(root, 'nope')), /does not exist/);
    writeFileSync(join(root, 'f.txt'), 'x');
    await rejectsWorkingDir(packWorkingDir(join(root, 'f.txt')), /not a directory/);
    await assert.rejects(packWorkingDir(root, { maxBytes: -1 }), RangeError);
    await assert.rejects(packWorkingDir(root, { excludes: ['!keep'] }), /options\.excludes\[0\]/);
  });

  it('rejects bytes that do not match the URI and leaves nothing in the cache', async () => {
    const src = tempDir();
    writeTree(src, { 'a.txt': 'hello' });
    const { uri, bytes } = await packWorkingDir(src);
    const bad = bytes.slice();
    bad[bad.length - 10]! ^= 0xff;
    const cache = join(tempDir(), 'cache');
    const err = await rejectsWorkingDir(unpackWorkingDir(uri, bad, cache), /corrupt/);
    assert.equal(err.uri, uri);
    assert.ok(!existsSync(cache) || readdirSync(cache).length === 0);
    await rejectsWorkingDir(unpackWorkingDir('wd://nothex.tar.gz', bytes, cache), /not a working-directory URI/);
  });

  it('rejects a non-archive whose hash matches and removes its temporary directory', async () => {
    const junk = new TextEncoder().encode('this is not a tarball at all'.repeat(40));
    const { createHash } = await import('node:crypto');
    const uri = `wd://${createHash('sha256').update(junk).digest('hex').slice(0, 32)}.tar.gz`;
    const cache = join(tempDir(), 'cache');
    await rejectsWorkingDir(unpackWorkingDir(uri, junk, cache));
    assert.deepEqual(readdirSync(cache), []);
  });

  it('refuses entries that escape the directory and writes nothing outside', async () => {
    const root = tempDir();
    const work = join(root, 'a', 'b');
    writeTree(root, { 'evil': 'pwned', 'a/b/ok.txt': 'ok' });
    const cache = join(root, 'a', 'cache');
    const dotdot = await craftedTar(work, ['ok.txt', '../../evil']);
    await rejectsWorkingDir(unpackWorkingDir(dotdot.uri, dotdot.bytes, cache), /'\.\.'/);
    const absolute = await craftedTar(work, [join(root, 'evil')]);
    await rejectsWorkingDir(unpackWorkingDir(absolute.uri, absolute.bytes, cache), /absolute/);
    assert.deepEqual(readdirSync(cache), []);
    assert.deepEqual(readdirSync(join(root, 'a')).sort(), ['b', 'cache']);
    assert.deepEqual(readdirSync(root).sort(), ['a', 'evil']);
  });

  it('is idempotent and shares one extraction between concurrent calls', async () => {
    const src = tempDir();
    writeTree(src, { 'a.txt': 'a', 'b/c.txt': 'c' });
    const { uri, bytes } = await packWorkingDir(src);
    const cache = join(tempDir(), 'cache');
    const dirs = await Promise.all([1, 2, 3, 4].map(() => unpackWorkingDir(uri, bytes, cache)));
    assert.equal(new Set(dirs).size, 1);
    assert.equal(dirs[0], join(cache, uri.slice('wd://'.length, -'.tar.gz'.length)));
    writeFileSync(join(dirs[0]!, 'marker'), 'm');
    assert.equal(await unpackWorkingDir(uri, bytes, cache), dirs[0]);
    assert.ok(existsSync(join(dirs[0]!, 'marker')), 'an existing directory is reused, not re-extracted');
    assert.deepEqual(readdirSync(cache), [dirs[0]!.slice(cache.length + 1)]);
  });

  it("links node_modules to the node's installation so bare imports resolve", async () => {
    const nm = join(tempDir(), 'node_modules');
    writeTree(nm, {
      'fake-pkg/package.json': JSON.stringify({ name: 'fake-pkg', type: 'module', exports: './index.js' }),
      'fake-pkg/index.js': "export const hello = 'from fake-pkg';\n",
    });
    const src = tempDir();
    writeTree(src, { 'main.mjs': "export { hello } from 'fake-pkg';\n" });
    const { uri, bytes } = await packWorkingDir(src);
    const dir = await unpackWorkingDir(uri, bytes, join(tempDir(), 'cache'), nm);
    assert.ok(lstatSync(join(dir, 'node_modules')).isSymbolicLink());
    const mod = (await import(pathToFileURL(join(dir, 'main.mjs')).href)) as { hello: string };
    assert.equal(mod.hello, 'from fake-pkg');
  });
});

describe('compileExcludes', () => {
  it('follows gitignore rules', () => {
    const m = compileExcludes(['*.log', 'build/', '/top.txt', '**/cache', 'docs/**', 'a/*/c', 'file?.txt', '[ab].md', '# comment', '']);
    const cases: [string, boolean, boolean][] = [
      ['x.log', false, true],
      ['deep/er/x.log', false, true],
      ['x.log.txt', false, false],
      ['build', true, true],
      ['src/build', true, true],
      ['build', false, false],
      ['top.txt', false, true],
      ['sub/top.txt', false, false],
      ['cache', true, true],
      ['x/y/cache', false, true],
      ['docs/a/b.md', false, true],
      ['docs', true, false],
      ['a/b/c', false, true],
      ['x/a/b/c', false, false],
      ['a/b/d/c', false, false],
      ['file1.txt', false, true],
      ['file12.txt', false, false],
      ['a.md', false, true],
      ['c.md', false, false],
      ['# comment', false, false],
    ];
    for (const [path, isDir, want] of cases) assert.equal(m(path, isDir), want, `${path} (dir=${isDir})`);
  });

  it('rejects negation and non-strings, naming the field', () => {
    assert.throws(() => compileExcludes(['!x']), /excludes\[0\].*negated/);
    assert.throws(() => compileExcludes([1 as unknown as string]), TypeError);
  });
});

describe('findNodeModules / isWorkingDirUri', () => {
  it('finds the workspace node_modules holding @ray-ts/core', () => {
    const coreDir = fileURLToPath(new URL('../..', import.meta.url));
    const nm = findNodeModules(coreDir);
    assert.ok(nm, 'found a node_modules');
    assert.ok(existsSync(join(nm, '@ray-ts', 'core', 'package.json')));
    assert.equal(findNodeModules(coreDir, 'no-such-package-ray-ts-test'), undefined);
  });

  it('recognises wd:// URIs', () => {
    assert.ok(isWorkingDirUri(`wd://${'0123456789abcdef'.repeat(2)}.tar.gz`));
    assert.ok(!isWorkingDirUri(`wd://${'0123456789abcdef'.repeat(2)}.tar`));
    assert.ok(!isWorkingDirUri(`gcs://${'0'.repeat(32)}.tar.gz`));
    assert.ok(!isWorkingDirUri(`wd://${'0'.repeat(31)}.tar.gz`));
  });
});
