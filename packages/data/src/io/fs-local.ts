/**
 * The local {@link FileSystem}: node:fs/promises, with a small hand-written glob walker
 * (Node 20 has no `fs.glob`).
 */
import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSourceError, FileNotFoundError } from './errors.js';
import type { FileSystem, FileWriter, RangeReader } from './filesystem.js';
import { globDepth, globToRegExp, hasExtension, hasGlob, isHiddenName, splitGlob, type FileInfo } from './paths.js';

/** Maps a node fs error to a typed one naming the path. */
function fsError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new FileNotFoundError(path, 'no such file or directory', { cause: err });
  return new DataSourceError(path, `${path}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** Lists files under `dir` (absolute), at most `depth` levels down, skipping hidden names. */
async function walk(dir: string, depth: number, out: FileInfo[]): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw fsError(dir, err);
  }
  for (const e of entries) {
    if (isHiddenName(e.name)) continue;
    const p = `${dir}${dir.endsWith(sep) ? '' : sep}${e.name}`;
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const st = await fsp.stat(p).catch(() => undefined);
      isDir = st?.isDirectory() ?? false;
      isFile = st?.isFile() ?? false;
    }
    if (isDir && depth > 1) await walk(p, depth - 1, out);
    else if (isFile) out.push({ path: p, size: (await fsp.stat(p)).size });
  }
}

const byPath = (a: FileInfo, b: FileInfo): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Local files. Stateless; one instance serves every path. */
export class LocalFileSystem implements FileSystem {
  /** @inheritDoc */
  async expand(input: string, extensions?: readonly string[]): Promise<FileInfo[]> {
    if (hasGlob(input)) return this.expandGlob(input);
    const path = resolve(input);
    let st;
    try {
      st = await fsp.stat(path);
    } catch (err) {
      throw fsError(input, err);
    }
    if (st.isFile()) return [{ path, size: st.size }];
    const out: FileInfo[] = [];
    await walk(path, Infinity, out);
    const files = out.filter((f) => hasExtension(f.path, extensions)).sort(byPath);
    if (files.length === 0) {
      const what = extensions?.length ? ` with extension ${extensions.map((e) => `.${e}`).join('/')}` : '';
      throw new FileNotFoundError(input, `the directory has no files${what} (set fileExtensions to read others)`);
    }
    return files;
  }

  private async expandGlob(pattern: string): Promise<FileInfo[]> {
    const { base, rest } = splitGlob(pattern.split(sep).join('/'));
    const root = resolve(base === '' ? '.' : base);
    const re = globToRegExp(rest);
    const out: FileInfo[] = [];
    try {
      await walk(root, globDepth(rest), out);
    } catch (err) {
      if (!(err instanceof FileNotFoundError)) throw err;
    }
    const files = out.filter((f) => re.test(relative(root, f.path).split(sep).join('/'))).sort(byPath);
    if (files.length === 0) throw new FileNotFoundError(pattern, 'the glob matched no files');
    return files;
  }

  /** @inheritDoc */
  async size(path: string): Promise<number> {
    try {
      return (await fsp.stat(path)).size;
    } catch (err) {
      throw fsError(path, err);
    }
  }

  /** @inheritDoc */
  async read(path: string): Promise<Uint8Array> {
    try {
      return await fsp.readFile(path);
    } catch (err) {
      throw fsError(path, err);
    }
  }

  /** @inheritDoc */
  async openRanges(path: string): Promise<RangeReader> {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(path, 'r');
    } catch (err) {
      throw fsError(path, err);
    }
    return {
      async read(start: number, end: number, into?: Uint8Array): Promise<Uint8Array> {
        const len = Math.max(0, end - start);
        const buf = into && into.length >= len ? into.subarray(0, len) : new Uint8Array(len);
        let done = 0;
        try {
          while (done < len) {
            const { bytesRead } = await fh.read(buf, done, len - done, start + done);
            if (bytesRead === 0) break;
            done += bytesRead;
          }
        } catch (err) {
          throw fsError(path, err);
        }
        return done === len ? buf : buf.subarray(0, done);
      },
      close: () => fh.close(),
    };
  }

  /** @inheritDoc */
  async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    let fh;
    try {
      fh = await fsp.open(path, 'r');
      const buf = Buffer.allocUnsafeSlow(Math.max(0, end - start));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await fh.read(buf, done, buf.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === buf.length ? buf : buf.subarray(0, done);
    } catch (err) {
      throw fsError(path, err);
    } finally {
      await fh?.close();
    }
  }

  /** @inheritDoc */
  async openStream(path: string): Promise<Readable> {
    await this.size(path); // a missing file fails here, typed, not as a stream error
    return createReadStream(path);
  }

  /** @inheritDoc */
  async write(path: string, chunks: Uint8Array[]): Promise<void> {
    try {
      await fsp.mkdir(dirname(path), { recursive: true });
      await fsp.writeFile(path, chunks);
    } catch (err) {
      throw fsError(path, err);
    }
  }

  /** @inheritDoc */
  async createWriter(path: string): Promise<FileWriter> {
    let fh: fsp.FileHandle;
    try {
      await fsp.mkdir(dirname(path), { recursive: true });
      fh = await fsp.open(path, 'w');
    } catch (err) {
      throw fsError(path, err);
    }
    return {
      async write(chunk) {
        try {
          for (let done = 0; done < chunk.length; ) done += (await fh.write(chunk, done, chunk.length - done)).bytesWritten;
        } catch (err) {
          await fh.close().catch(() => undefined);
          throw fsError(path, err);
        }
      },
      async close() {
        await fh.close();
      },
      async abort() {
        await fh.close().catch(() => undefined);
      },
    };
  }

  /** @inheritDoc */
  async move(from: string, to: string): Promise<void> {
    try {
      await fsp.mkdir(dirname(to), { recursive: true });
      await fsp.rename(from, to);
    } catch (err) {
      throw fsError(from, err);
    }
  }

  /** @inheritDoc */
  async removeTree(dir: string): Promise<void> {
    await fsp.rm(dir, { recursive: true, force: true });
  }

  /** @inheritDoc */
  async ensureDir(dir: string): Promise<void> {
    try {
      await fsp.mkdir(dir, { recursive: true });
    } catch (err) {
      throw fsError(dir, err);
    }
  }
}
