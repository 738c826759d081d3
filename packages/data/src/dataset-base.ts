/**
 * The consuming half of a dataset: running its plan and reading the result (iterate,
 * take, count, schema, stats, explain). {@link Dataset} adds the transforms.
 */
import * as ray from '@ray-ts/core';
import type { Schema, Table } from 'apache-arrow';
import type { Block } from './block.js';
import { blockToRows, concatBlocks, type Row } from './block/block-accessor.js';
import { toBatch, type BatchFormat } from './block/batch-format.js';
import { DataContext } from './context.js';
import { DataIterator, type BatchOf, type IterBatchesOptions } from './data-iterator.js';
import { compile } from './execution/compile.js';
import { describeExecPlan } from './execution/exec-plan.js';
import type { RefBundle } from './execution/ref-bundle.js';
import { formatStats, type DatasetStats } from './execution/stats.js';
import { StreamingExecutor } from './execution/streaming-executor.js';
import { optimize } from './logical/optimizer.js';
import { explainPlan, type LogicalOp } from './logical/plan.js';
import {
  csvDatasink, jsonDatasink, parquetDatasink, type CsvWriteOptions, type Datasink, type JsonWriteOptions, type ParquetWriteOptions,
} from './io/index.js';
import { intAtLeast } from './options.js';
import { writeDataset, type WriteOptions } from './write.js';

/** Where the statistics of a dataset's last execution are kept. */
interface StatsHolder {
  last?: StreamingExecutor;
}

/** Running and reading a dataset. */
export abstract class DatasetBase {
  /** @internal The last execution (for stats). */
  readonly statsHolder: StatsHolder = {};

  /** @internal The logical plan. */
  constructor(readonly plan: LogicalOp) {}

  /** @internal Runs the plan; yields its output bundles (the caller releases owned refs). */
  async *executeBundles(plan: LogicalOp = this.plan, progress = true): AsyncGenerator<RefBundle> {
    const ctx = DataContext.getCurrent().snapshot();
    const exec = await compile(optimize(plan), ctx);
    const executor = new StreamingExecutor(exec, ctx, progress);
    this.statsHolder.last = executor;
    yield* executor.iterate();
  }

  /** An iterator over this dataset (each iteration runs it). */
  iterator(): DataIterator {
    return new DataIterator(() => this.executeBundles());
  }

  /** Iterates batches: `for await (const batch of ds.iterBatches({ batchSize: 256 }))`. */
  iterBatches<F extends BatchFormat = 'columns'>(options?: IterBatchesOptions<F>): AsyncGenerator<BatchOf<F>> {
    return this.iterator().iterBatches(options);
  }

  /** Iterates rows: `for await (const row of ds.iterRows())`. */
  iterRows(): AsyncGenerator<Row> {
    return this.iterator().iterRows();
  }

  /** The blocks of a plan, fetched to the driver. */
  protected async collectBlocks(plan: LogicalOp): Promise<Block[]> {
    const blocks: Block[] = [];
    for await (const b of this.executeBundles(plan, false)) {
      blocks.push((await ray.get(b.ref)) as Block);
      if (b.owned) b.ref.release();
    }
    return blocks;
  }

  private limitPlan(n: number): LogicalOp {
    return { kind: 'limit', name: `Limit[${n}]`, input: this.plan, n };
  }

  /** The first `n` rows (runs only as much of the dataset as needed). @default n 20 */
  async take(n = 20): Promise<Row[]> {
    intAtLeast('take() n', n, 0);
    return (await this.collectBlocks(this.limitPlan(n))).flatMap(blockToRows).slice(0, n);
  }

  /** All rows. Throws RangeError when there are more than `limit`. */
  async takeAll(limit?: number): Promise<Row[]> {
    const plan = limit === undefined ? this.plan : this.limitPlan(intAtLeast('takeAll() limit', limit, 0) + 1);
    const rows = (await this.collectBlocks(plan)).flatMap(blockToRows);
    if (limit !== undefined && rows.length > limit) throw new RangeError(`takeAll(): the dataset has more than ${limit} rows`);
    return rows;
  }

  /** The first `n` rows as one batch in the given format. @default n 20, batchFormat 'columns' */
  async takeBatch<F extends BatchFormat = 'columns'>(n = 20, options: { batchFormat?: F } = {}): Promise<BatchOf<F>> {
    intAtLeast('takeBatch() n', n, 1);
    const blocks = await this.collectBlocks(this.limitPlan(n));
    const all = concatBlocks(blocks);
    return toBatch(all.slice(0, n), options.batchFormat ?? 'columns') as BatchOf<F>;
  }

  /** Prints the first `n` rows as JSON lines. @default n 20 */
  async show(n = 20): Promise<void> {
    for (const r of await this.take(n)) console.log(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<unknown>) : v)));
  }

  /** Number of rows (runs the dataset; blocks are not fetched to the driver). */
  async count(): Promise<number> {
    let n = 0;
    for await (const b of this.executeBundles(this.plan, false)) {
      n += b.meta.numRows;
      if (b.owned) b.ref.release();
    }
    return n;
  }

  /** The Arrow schema (of the first block), or undefined for an empty dataset. */
  async schema(): Promise<Schema | undefined> {
    const blocks = await this.collectBlocks(this.limitPlan(1));
    return blocks.find((b) => b.numCols > 0)?.schema;
  }

  /** Column names. */
  async columns(): Promise<string[]> {
    return (await this.schema())?.fields.map((f) => f.name) ?? [];
  }

  /** Statistics of the last execution of this dataset (runs it if it never ran). */
  async statsSummary(): Promise<DatasetStats> {
    if (!this.statsHolder.last) await this.count();
    return this.statsHolder.last!.stats();
  }

  /** Statistics of the last execution as text: per operator, tasks, blocks, rows, bytes and time. */
  async stats(): Promise<string> {
    return formatStats(await this.statsSummary());
  }

  /** The logical plan, the optimized plan (after fusion and pushdowns) and, when `verbose`, the executable plan. */
  async explain(verbose = false): Promise<string> {
    const opt = optimize(this.plan);
    const parts = ['-------- Logical Plan --------', explainPlan(this.plan), '-------- Optimized Plan --------', explainPlan(opt)];
    if (verbose) parts.push('-------- Executable Plan --------', describeExecPlan(await compile(opt, DataContext.getCurrent().snapshot())));
    return parts.join('\n');
  }

  /** Writes with a datasink: temporary files, committed when every write task succeeded, else removed. */
  write(sink: Datasink, options?: WriteOptions): Promise<void> {
    return writeDataset(this, sink, options);
  }

  /** Writes Parquet files into directory `path` (local or `s3://`), committed only if every task succeeds. */
  writeParquet(path: string, options: ParquetWriteOptions & WriteOptions = {}): Promise<void> {
    const { minRowsPerFile, ...rest } = options;
    return this.write(parquetDatasink(path, rest), { minRowsPerFile });
  }

  /** Writes CSV files into directory `path`. */
  writeCsv(path: string, options: CsvWriteOptions & WriteOptions = {}): Promise<void> {
    const { minRowsPerFile, ...rest } = options;
    return this.write(csvDatasink(path, rest), { minRowsPerFile });
  }

  /** Writes JSON-lines files into directory `path`. */
  writeJson(path: string, options: JsonWriteOptions & WriteOptions = {}): Promise<void> {
    const { minRowsPerFile, ...rest } = options;
    return this.write(jsonDatasink(path, rest), { minRowsPerFile });
  }

  /** A short description, e.g. `Dataset(ReadRange -> Map(f))`. */
  toString(): string {
    const names: string[] = [];
    for (let op: LogicalOp | undefined = this.plan; op; op = 'input' in op ? op.input : undefined) names.unshift(op.name);
    return `Dataset(${names.join(' -> ')})`;
  }
}

/** An Arrow table type, re-exported for batch annotations. */
export type { Table };
