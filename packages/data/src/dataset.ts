/**
 * Dataset: a lazy, immutable, distributed collection of rows in Arrow blocks, like Ray's
 * `ray.data.Dataset`. Transforms return a new Dataset and run nothing; consuming it
 * (iterate, take, count, materialize, write) runs the optimized plan on the streaming
 * executor.
 */
import type { AggregateFn, AggregateSpec } from './aggregate.js';
import { aggregateSpec, Max, Mean, Min, Std, Sum } from './aggregate.js';
import type { Row } from './block/block-accessor.js';
import type { BatchResult, ColumnBatch } from './block/batch-format.js';
import { checkBatchFormat } from './block/batch-format.js';
import { DatasetBase } from './dataset-base.js';
import { GroupedData } from './grouped-data.js';
import { DataContext } from './context.js';
import { compile } from './execution/compile.js';
import type { RefBundle } from './execution/ref-bundle.js';
import { optimize } from './logical/optimizer.js';
import { BundlesSource } from './sources/input-sources.js';
import { streamingSplitIterators, type StreamSplitDataIterator } from './split-coordinator.js';
import { cutsForWeights, splitBundles, splitBundlesAt } from './split.js';
import type { LogicalOp, LogicalStage } from './logical/plan.js';
import { checkColumns, checkKeys, intAtLeast, nonNegative, resolveMapOptions, type AddColumnOptions, type MapBatchesOptions, type MapOptions } from './options.js';
import { callerModule } from './udf/call-site.js';
import { isClass, udfName, type Udf } from './udf/udf-spec.js';

/** A row function: gets a row (plus fnArgs), returns a value (maybe a promise). */
export type RowFn<R> = ((row: Row, ...fnArgs: any[]) => R | Promise<R>) | (new (...args: any[]) => { call(row: Row, ...fnArgs: any[]): R | Promise<R> });
/** A batch function or class (`call(batch)` method): returns a batch in any format, or yields several. */
export type BatchFn = ((batch: any, ...fnArgs: any[]) => BatchResult | Promise<BatchResult> | Iterable<BatchResult> | AsyncIterable<BatchResult>) | (new (...args: any[]) => { call(batch: any, ...fnArgs: any[]): unknown });

const LABELS: Record<string, string> = { map: 'Map', flatMap: 'FlatMap', filter: 'Filter', mapBatches: 'MapBatches' };

/** A lazy dataset. */
export class Dataset extends DatasetBase {
  /** @internal A dataset over another plan. */
  derive(plan: LogicalOp): Dataset {
    return new Dataset(plan);
  }

  private mapLike(kind: 'map' | 'flatMap' | 'filter' | 'mapBatches', fn: Udf, opts: MapBatchesOptions | undefined): Dataset {
    if (typeof fn !== 'function') throw new TypeError(`${kind}() expects a function or a class, got ${fn === null ? 'null' : typeof fn}`);
    const cls = isClass(fn);
    const r = resolveMapOptions(`${kind}() options`, opts, cls, kind === 'mapBatches');
    const stage: LogicalStage = {
      kind, name: `${LABELS[kind]}(${udfName(fn)})`, fn, callerUrl: callerModule(), fnArgs: r.fnArgs,
      fnConstructorArgs: r.fnConstructorArgs, batchSize: r.batchSize, batchFormat: r.batchFormat,
    };
    return this.derive({ kind: 'map', name: stage.name, input: this.plan, stages: [stage], compute: r.compute, resources: r.resources });
  }

  private project(name: string, p: Pick<LogicalStage, 'select' | 'drop' | 'rename'>): Dataset {
    const stage: LogicalStage = { kind: 'project', name, ...p };
    return this.derive({ kind: 'map', name, input: this.plan, stages: [stage], compute: { kind: 'tasks' }, resources: { numCpus: 1, numGpus: 0 } });
  }

  /** Applies `fn` to each row; it returns the new row. */
  map(fn: RowFn<Row>, options?: MapOptions): Dataset {
    return this.mapLike('map', fn as Udf, options);
  }

  /** Applies `fn` to each row; it returns an array of rows (zero or more). */
  flatMap(fn: RowFn<Iterable<Row>>, options?: MapOptions): Dataset {
    return this.mapLike('flatMap', fn as Udf, options);
  }

  /** Keeps the rows for which `fn` returns a truthy value. */
  filter(fn: RowFn<unknown>, options?: MapOptions): Dataset {
    return this.mapLike('filter', fn as Udf, options);
  }

  /**
   * Applies `fn` to batches of rows (`batchFormat` 'columns' by default). A class runs on
   * an actor pool of `concurrency` actors: each constructs it once with
   * `fnConstructorArgs` and calls its `call(batch, ...fnArgs)` method per batch.
   */
  mapBatches(fn: BatchFn, options?: MapBatchesOptions): Dataset {
    return this.mapLike('mapBatches', fn as Udf, options);
  }

  /** Adds (or replaces) column `name` with the values `fn(batch)` returns (one per row). */
  addColumn(name: string, fn: (batch: any, ...fnArgs: any[]) => ArrayLike<unknown> | Promise<ArrayLike<unknown>>, options?: AddColumnOptions): Dataset {
    if (typeof name !== 'string' || !name) throw new TypeError('addColumn() name must be a non-empty string');
    if (typeof fn !== 'function' || isClass(fn)) throw new TypeError('addColumn() expects a function');
    checkKeys('addColumn() options', options, ['batchFormat', 'fnArgs']);
    const batchFormat = options?.batchFormat === undefined ? 'columns' : checkBatchFormat('addColumn() options.batchFormat', options.batchFormat);
    const r = resolveMapOptions('addColumn() options', { fnArgs: options?.fnArgs }, false, false);
    const stage: LogicalStage = { kind: 'addColumn', name: `AddColumn(${name})`, fn, callerUrl: callerModule(), fnArgs: r.fnArgs, column: name, batchFormat };
    return this.derive({ kind: 'map', name: stage.name, input: this.plan, stages: [stage], compute: r.compute, resources: r.resources });
  }

  /** Keeps only these columns, in this order (pushed into the reader when it comes first). */
  selectColumns(cols: string | string[]): Dataset {
    return this.project('SelectColumns', { select: checkColumns('selectColumns() cols', cols) });
  }

  /** Drops these columns. */
  dropColumns(cols: string | string[]): Dataset {
    return this.project('DropColumns', { drop: checkColumns('dropColumns() cols', cols) });
  }

  /** Renames columns: `{ old: 'new' }`. */
  renameColumns(mapping: Record<string, string>): Dataset {
    if (!mapping || typeof mapping !== 'object' || Object.values(mapping).some((v) => typeof v !== 'string' || !v)) {
      throw new TypeError('renameColumns() mapping must be an object of old name -> new name');
    }
    return this.project('RenameColumns', { rename: { ...mapping } });
  }

  /** The first `n` rows (pushed down through maps and into the read). */
  limit(n: number): Dataset {
    intAtLeast('limit() n', n, 0);
    return this.derive({ kind: 'limit', name: `Limit[${n}]`, input: this.plan, n });
  }

  /** `numBlocks` blocks of about equal rows; with `shuffle`, rows are spread by a distributed shuffle. */
  repartition(numBlocks: number, options: { shuffle?: boolean } = {}): Dataset {
    intAtLeast('repartition() numBlocks', numBlocks, 1);
    checkKeys('repartition() options', options, ['shuffle']);
    return this.derive({ kind: 'allToAll', name: `Repartition[${numBlocks}]`, input: this.plan, op: { kind: 'repartition', numBlocks, shuffle: !!options.shuffle } });
  }

  /** The rows in random order (a distributed shuffle); `seed` makes it repeatable. */
  randomShuffle(options: { seed?: number } = {}): Dataset {
    checkKeys('randomShuffle() options', options, ['seed']);
    if (options.seed !== undefined) intAtLeast('randomShuffle() options.seed', options.seed, 0);
    return this.derive({ kind: 'allToAll', name: 'RandomShuffle', input: this.plan, op: { kind: 'randomShuffle', seed: options.seed } });
  }

  /** Sorted by one or more columns (sample boundaries, range-partition, sort each partition). Nulls last. */
  sort(key: string | string[], options: { descending?: boolean | boolean[] } = {}): Dataset {
    const columns = checkColumns('sort() key', key);
    checkKeys('sort() options', options, ['descending']);
    const d = options.descending ?? false;
    const descending = Array.isArray(d) ? d : columns.map(() => d);
    if (descending.length !== columns.length) throw new RangeError('sort() options.descending must have one entry per key column');
    return this.derive({ kind: 'allToAll', name: `Sort[${columns.join(',')}]`, input: this.plan, op: { kind: 'sort', key: { columns, descending } } });
  }

  /** Groups rows by the key column(s), for `aggregate`, `count`, `sum`, ... and `mapGroups`. */
  groupBy(key: string | string[]): GroupedData {
    return new GroupedData(this, checkColumns('groupBy() key', key));
  }

  /** Aggregates over the whole dataset: `{ 'count()': 10, 'sum(x)': 45 }`. */
  async aggregate(...aggs: (AggregateFn | AggregateSpec)[]): Promise<Record<string, unknown>> {
    const specs = aggs.map((a) => aggregateSpec(a, 'aggregate()'));
    if (specs.length === 0) throw new TypeError('aggregate() needs at least one aggregation, e.g. new Count()');
    const rows = await new GroupedData(this, []).aggregate(...specs).takeAll();
    if (rows[0]) return rows[0];
    return Object.fromEntries(specs.map((s) => [s.alias, s.kind === 'count' ? 0 : null]));
  }

  /** Sum of a column. */
  async sum(on: string): Promise<number | null> {
    return (await this.aggregate(new Sum(on)))[`sum(${on})`] as number | null;
  }

  /** Minimum of a column. */
  async min(on: string): Promise<unknown> {
    return (await this.aggregate(new Min(on)))[`min(${on})`];
  }

  /** Maximum of a column. */
  async max(on: string): Promise<unknown> {
    return (await this.aggregate(new Max(on)))[`max(${on})`];
  }

  /** Mean of a column. */
  async mean(on: string): Promise<number | null> {
    return (await this.aggregate(new Mean(on)))[`mean(${on})`] as number | null;
  }

  /** Standard deviation of a column (`ddof` 1 by default). */
  async std(on: string, options: { ddof?: number } = {}): Promise<number | null> {
    return (await this.aggregate(new Std(on, options)))[`std(${on})`] as number | null;
  }

  /** This dataset's rows followed by the rows of the others. */
  union(...others: Dataset[]): Dataset {
    others.forEach((o, i) => {
      if (!(o instanceof DatasetBase)) throw new TypeError(`union() argument ${i} is not a Dataset`);
    });
    return this.derive({ kind: 'union', name: 'Union', inputs: [this.plan, ...others.map((o) => o.plan)] });
  }

  /** Row i of this joined column-wise with row i of `other` (same row count; clashing names get `_1`). */
  zip(other: Dataset): Dataset {
    if (!(other instanceof DatasetBase)) throw new TypeError('zip() argument is not a Dataset');
    return this.derive({ kind: 'zip', name: 'Zip', inputs: [this.plan, other.plan] });
  }

  /** Runs the dataset and keeps its blocks in the object store: a dataset that runs nothing when consumed. */
  async materialize(): Promise<MaterializedDataset> {
    const bundles: RefBundle[] = [];
    for await (const b of this.executeBundles()) bundles.push(b);
    const m = new MaterializedDataset(bundles);
    m.statsHolder.last = this.statsHolder.last;
    return m;
  }

  /** Splits into `n` materialized datasets: of equal rows with `equal`, else of whole blocks balanced by rows. */
  async split(n: number, options: { equal?: boolean } = {}): Promise<MaterializedDataset[]> {
    intAtLeast('split() n', n, 1);
    checkKeys('split() options', options, ['equal']);
    const m = await this.materialize();
    return splitBundles(m.bundles, n, !!options.equal).map((p) => new MaterializedDataset(p));
  }

  /** Splits at global row indices: `[0, i0)`, `[i0, i1)`, ..., `[ik, end)`. */
  async splitAt(indices: number[]): Promise<MaterializedDataset[]> {
    if (!Array.isArray(indices)) throw new TypeError('splitAt() indices must be an array of row indices');
    indices.forEach((i, k) => intAtLeast(`splitAt() indices[${k}]`, i, 0));
    const m = await this.materialize();
    return splitBundlesAt(m.bundles, indices).map((p) => new MaterializedDataset(p));
  }

  /** Shuffles, then splits by proportions, e.g. `randomSplit([0.8, 0.2], { seed: 1 })`. */
  async randomSplit(weights: number[], options: { seed?: number } = {}): Promise<MaterializedDataset[]> {
    if (!Array.isArray(weights) || weights.length === 0) throw new TypeError('randomSplit() weights must be a non-empty array of numbers');
    weights.forEach((w, i) => {
      if (nonNegative(`randomSplit() weights[${i}]`, w) === 0) throw new RangeError(`randomSplit() weights[${i}] must be > 0`);
    });
    const m = await this.randomShuffle(options).materialize();
    return splitBundlesAt(m.bundles, cutsForWeights(await m.count(), weights)).map((p) => new MaterializedDataset(p));
  }

  /** `[train, test]`: the last `testSize` rows (a fraction below 1, or a row count) are the test set. */
  async trainTestSplit(testSize: number, options: { shuffle?: boolean; seed?: number } = {}): Promise<[MaterializedDataset, MaterializedDataset]> {
    checkKeys('trainTestSplit() options', options, ['shuffle', 'seed']);
    if (nonNegative('trainTestSplit() testSize', testSize) === 0) throw new RangeError('trainTestSplit() testSize must be > 0');
    const m = await (options.shuffle ? this.randomShuffle({ seed: options.seed }) : this).materialize();
    const total = await m.count();
    const nTest = testSize < 1 ? Math.round(total * testSize) : Math.floor(testSize);
    if (nTest > total) throw new RangeError(`trainTestSplit() testSize ${testSize} is more than the ${total} rows`);
    const [train, test] = splitBundlesAt(m.bundles, [total - nTest]).map((p) => new MaterializedDataset(p));
    return [train!, test!];
  }

  /**
   * `n` iterators that share one streaming execution (run by a coordinator actor); every
   * row goes to at most one of them. Pass them to training workers; each full pass over
   * all of them is one epoch. With `equal`, each iterator gets the same number of rows per
   * epoch and the `count % n` rows left over are dropped (Ray's `equal=True`), so workers
   * that step in lockstep run the same number of batches.
   */
  async streamingSplit(n: number, options: { equal?: boolean } = {}): Promise<StreamSplitDataIterator[]> {
    intAtLeast('streamingSplit() n', n, 1);
    checkKeys('streamingSplit() options', options, ['equal']);
    if (options.equal !== undefined && typeof options.equal !== 'boolean') throw new TypeError('streamingSplit() options.equal must be a boolean');
    const ctx = DataContext.getCurrent().snapshot();
    return streamingSplitIterators(await compile(optimize(this.plan), ctx), ctx, n, options.equal ?? false);
  }
}

/** A dataset whose blocks are in the object store (from `materialize()` and the splits). */
export class MaterializedDataset extends Dataset {
  /** @internal */
  constructor(readonly bundles: readonly RefBundle[]) {
    super({ kind: 'input', name: 'Materialized', source: new BundlesSource('Materialized', bundles) });
  }

  /** Number of blocks. */
  numBlocks(): number {
    return this.bundles.length;
  }

  /** Rows, from block metadata (nothing runs). */
  override async count(): Promise<number> {
    return this.bundles.reduce((n, b) => n + b.meta.numRows, 0);
  }
}

/** A batch in columns format, for annotating mapBatches functions. */
export type { ColumnBatch };
