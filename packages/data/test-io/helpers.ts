/**
 * Test helpers: run a datasource's read tasks and a datasink's write tasks in-process,
 * through the reader/writer registries, the way workers do.
 */
import type { Table } from 'apache-arrow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readerFor, writerFor, type Datasink, type Datasource, type ReadOptions, type ReadTask, type WriteResult } from '../src/io/index.js';

/** A fresh temporary directory and its cleanup. */
export function tempDir(prefix = 'ray-ts-io-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every block of one read task. */
export async function runTask(task: ReadTask, options: ReadOptions = {}): Promise<Table[]> {
  const out: Table[] = [];
  for await (const b of readerFor(task.kind)(task.params, options)) out.push(b);
  return out;
}

/** Plans a datasource and reads every task, in order. */
export async function readAll(ds: Datasource, parallelism = 2, options: ReadOptions = {}): Promise<{ tasks: ReadTask[]; blocks: Table[] }> {
  // Tasks cross processes as plain data: make sure they survive a structured clone.
  const tasks = structuredClone(await ds.plan(parallelism));
  const blocks: Table[] = [];
  for (const t of tasks) blocks.push(...(await runTask(t, options)));
  return { tasks, blocks };
}

/** Rows of blocks as plain objects (Arrow's row proxies turned into objects). */
export function rowsOf(blocks: Table[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const b of blocks) for (const r of b) rows.push((r as unknown as { toJSON(): Record<string, unknown> }).toJSON());
  return rows;
}

/** Reads everything and returns the rows. */
export async function readRows(ds: Datasource, parallelism = 2, options: ReadOptions = {}): Promise<Record<string, unknown>[]> {
  return rowsOf((await readAll(ds, parallelism, options)).blocks);
}

/** An async iterable over blocks. */
export async function* blocksOf(blocks: Table[]): AsyncGenerator<Table> {
  for (const b of blocks) yield b;
}

/** Runs a datasink like the executor: start, one write task per group of blocks, commit. */
export async function writeAll(sink: Datasink, taskBlocks: Table[][]): Promise<WriteResult[]> {
  await sink.start();
  const params = structuredClone(sink.params);
  const results: WriteResult[] = [];
  try {
    for (let i = 0; i < taskBlocks.length; i++) results.push(await writerFor(sink.kind)(blocksOf(taskBlocks[i]!), params, { taskIndex: i }));
  } catch (err) {
    await sink.abort(results);
    throw err;
  }
  await sink.commit(results);
  return results;
}
