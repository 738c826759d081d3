/**
 * What every file datasink shares. Write tasks write `<dir>/.tmp-<uuid>/part-<task>-<n>.<ext>`
 * (hidden from readers); `commit` moves them to `<dir>/part-<k>-<uuid>.<ext>` in task
 * order and removes the temporary folder; `abort` removes it. Readers never see a
 * half-written file. {@link runWriteTask} is the worker side: it feeds blocks to a
 * format's {@link FileEncoder}, starting a new file every `maxRowsPerFile` rows.
 */
import type { Table } from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Block } from '../block.js';
import type { Datasink, WriteResult } from './datasource.js';
import { DataSinkError } from './errors.js';
import { fileSystemFor, mapLimit, type FileWriter } from './filesystem.js';
import { resolveS3Options, type S3Options } from './fs-s3.js';
import { baseName, isS3Path, joinPath } from './paths.js';

/** Options every file datasink takes. */
export interface FileSinkOptions {
  /** Settings for `s3://` destinations. @default from the environment (see {@link S3Options}) */
  s3?: S3Options;
  /** Start a new file after this many rows. @default unlimited: one file per write task */
  maxRowsPerFile?: number;
}

/** Turns blocks into the bytes of one file of a format. */
export interface FileEncoder {
  /** Bytes for a block (may be none until enough rows are buffered). */
  write(block: Table): Uint8Array[];
  /** The remaining bytes, ending the file. */
  finish(): Uint8Array[];
}

/** The datasink of a format writing into the directory (or `s3://` prefix) `path`. */
export function fileDatasink(spec: {
  name: string;
  kind: string;
  ext: string;
  path: string;
  options: FileSinkOptions;
  params: Record<string, unknown>;
}): Datasink {
  if (typeof spec.path !== 'string' || spec.path === '') throw new TypeError('path must be a non-empty string');
  const o = spec.options ?? {};
  if (o.maxRowsPerFile !== undefined && !(Number.isInteger(o.maxRowsPerFile) && o.maxRowsPerFile > 0)) {
    throw new RangeError('options.maxRowsPerFile must be a positive integer');
  }
  const s3 = resolveS3Options(o.s3);
  const dir = isS3Path(spec.path) ? spec.path.replace(/\/+$/, '') : resolve(spec.path);
  const uuid = randomUUID();
  const tempDir = joinPath(dir, `.tmp-${uuid}`);
  const fs = fileSystemFor(dir, s3);
  const params = { ...spec.params, dir, uuid, tempDir, ext: spec.ext, s3, maxRowsPerFile: o.maxRowsPerFile ?? null };
  return {
    name: spec.name,
    kind: spec.kind,
    params,
    async start() {
      await fs.ensureDir(dir);
    },
    async commit(results: WriteResult[]) {
      const key = (p: string): number[] => (/part-(\d+)-(\d+)\./.exec(baseName(p)) ?? [0, 0, 0]).slice(1).map(Number);
      const temps = results.flatMap((r) => r.files).sort((a, b) => {
        const [ta, na] = key(a);
        const [tb, nb] = key(b);
        return ta! - tb! || na! - nb!;
      });
      try {
        await mapLimit(temps, 16, (t, k) => fs.move(t, joinPath(dir, `part-${String(k).padStart(5, '0')}-${uuid}.${spec.ext}`)));
      } catch (err) {
        throw new DataSinkError(dir, `committing the write to ${dir} failed: ${(err as Error).message}. Files already moved stay; remove ${dir}/part-*-${uuid}.${spec.ext} to undo.`, { cause: err });
      }
      await fs.removeTree(tempDir);
    },
    async abort() {
      await fs.removeTree(tempDir);
    },
  };
}

/** The temporary name of file `n` of write task `task`. */
export function tempFileName(params: Record<string, unknown>, task: number, n: number): string {
  return joinPath(params.tempDir as string, `part-${String(task).padStart(5, '0')}-${String(n).padStart(5, '0')}.${params.ext as string}`);
}

/** Runs one write task: blocks → encoder → temporary files. */
export async function runWriteTask(
  blocks: AsyncIterable<Block>,
  params: Record<string, unknown>,
  ctx: { taskIndex: number },
  newEncoder: () => FileEncoder,
): Promise<WriteResult> {
  const maxRows = (params.maxRowsPerFile as number | null) ?? Infinity;
  const s3 = params.s3 as S3Options | undefined;
  const result: WriteResult = { files: [], rows: 0, bytes: 0 };
  let out: { writer: FileWriter; encoder: FileEncoder; rows: number } | undefined;
  const emit = async (chunks: Uint8Array[]): Promise<void> => {
    for (const c of chunks) {
      await out!.writer.write(c);
      result.bytes += c.length;
    }
  };
  const close = async (): Promise<void> => {
    if (!out) return;
    await emit(out.encoder.finish());
    await out.writer.close();
    out = undefined;
  };
  try {
    for await (const block of blocks) await writeBlock(block);
    await close();
  } catch (err) {
    await out?.writer.abort();
    throw err;
  }
  return result;

  async function writeBlock(block: Block): Promise<void> {
    let start = 0;
    while (start < block.numRows) {
      if (!out) {
        const path = tempFileName(params, ctx.taskIndex, result.files.length);
        out = { writer: await fileSystemFor(path, s3).createWriter(path), encoder: newEncoder(), rows: 0 };
        result.files.push(path);
      }
      const take = Math.min(block.numRows - start, maxRows - out.rows);
      const part = start === 0 && take === block.numRows ? block : block.slice(start, start + take);
      await emit(out.encoder.write(part));
      out.rows += take;
      result.rows += take;
      start += take;
      if (out.rows >= maxRows) await close();
    }
  }
}
