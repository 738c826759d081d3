/**
 * @ray-ts/data: Ray Data for TypeScript. Lazy, distributed datasets of Apache Arrow
 * blocks in the ray-ts object store, transformed by tasks and actor pools and run by a
 * streaming executor with memory-bounded backpressure.
 *
 * ```ts
 * import * as ray from '@ray-ts/core';
 * import * as data from '@ray-ts/data';
 * await ray.init();
 * const ds = data.range(1000).map((r) => ({ id: r.id, sq: r.id * r.id })).filter((r) => r.sq % 2 === 0);
 * console.log(await ds.count(), await ds.take(3));
 * ray.shutdown();
 * ```
 * @packageDocumentation
 */
import './execution/remote-fns.js';
import './execution/all-to-all/shuffle-fns.js';

export { Dataset, MaterializedDataset, type RowFn, type BatchFn } from './dataset.js';
export { DatasetBase } from './dataset-base.js';
export { GroupedData } from './grouped-data.js';
export { DataIterator, type IterBatchesOptions, type BatchOf, type BundleSource } from './data-iterator.js';
export { StreamSplitDataIterator } from './split-coordinator.js';
export {
  range, fromItems, fromArrow, readDatasource, readParquet, readCsv, readJson, readText, readBinaryFiles, type ReadApiOptions,
} from './read-api.js';
export { AggregateFn, Count, Sum, Mean, Min, Max, Std, AbsMax, type AggregateSpec, type AggregateKind } from './aggregate.js';
export { DataContext, type ExecutionOptions, type DataContextSnapshot } from './context.js';
export type { MapOptions, MapBatchesOptions, AddColumnOptions, MapGroupsOptions } from './options.js';
export type { WriteOptions } from './write.js';
export type { BatchFormat, ColumnBatch, BatchResult } from './block/batch-format.js';
export type { Row } from './block/block-accessor.js';
export type { Block, BlockMetadata } from './block.js';
export type { DatasetStats, OperatorStats } from './execution/stats.js';
export { DataError, DataOperatorError, UdfShippingError, UdfFreeVariableError, DatasetWriteError, type FailureLocation } from './errors.js';
export {
  registerReader, registerWriter, parquetDatasource, csvDatasource, jsonDatasource, textDatasource, binaryDatasource,
  parquetDatasink, csvDatasink, jsonDatasink, DataSourceError, FileNotFoundError, MalformedInputError, SchemaMismatchError, DataSinkError,
  type Datasource, type Datasink, type ReadTask, type ReadOptions, type Reader, type Writer, type WriteResult,
  type ParquetReadOptions, type CsvReadOptions, type JsonReadOptions, type TextReadOptions, type BinaryReadOptions,
  type ParquetWriteOptions, type CsvWriteOptions, type JsonWriteOptions, type S3Options,
  fileSystemFor, resolveS3Options, isS3Path, type FileSystem, type FileWriter, type FileInfo,
} from './io/index.js';
