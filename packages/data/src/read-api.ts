/**
 * Creating datasets: `range`, `fromItems`, `fromArrow`, and the file readers
 * (`readParquet`, `readCsv`, `readJson`, `readText`, `readBinaryFiles`) over the io
 * datasources, on local paths, globs, directories and `s3://`. All are lazy: nothing is
 * read until the dataset is consumed.
 */
import type { Table } from 'apache-arrow';
import { DataContext } from './context.js';
import { Dataset } from './dataset.js';
import {
  binaryDatasource, csvDatasource, jsonDatasource, parquetDatasource, textDatasource,
  type BinaryReadOptions, type CsvReadOptions, type Datasource, type JsonReadOptions, type ParquetReadOptions, type TextReadOptions,
} from './io/index.js';
import { intAtLeast } from './options.js';
import { ArrowSource, ItemsSource } from './sources/input-sources.js';
import { RangeDatasource } from './sources/range-datasource.js';

/** Options every read function takes. */
export interface ReadApiOptions {
  /** Number of read tasks (about one block each or more). @default DataContext.readParallelism, or 4 per CPU */
  overrideNumBlocks?: number;
}

function split<T extends ReadApiOptions>(where: string, options: T | undefined): [Omit<T, 'overrideNumBlocks'>, number | undefined] {
  const { overrideNumBlocks, ...rest } = options ?? ({} as T);
  if (overrideNumBlocks !== undefined) intAtLeast(`${where} options.overrideNumBlocks`, overrideNumBlocks, 1);
  return [rest, overrideNumBlocks];
}

/** A dataset read from any {@link Datasource} (custom sources: see the README). */
export function readDatasource(datasource: Datasource, options: ReadApiOptions = {}): Dataset {
  if (!datasource || typeof datasource.plan !== 'function' || typeof datasource.name !== 'string') {
    throw new TypeError('readDatasource() expects a Datasource ({ name, plan(parallelism) })');
  }
  const [, numBlocks] = split('readDatasource()', options);
  return new Dataset({ kind: 'read', name: datasource.name, datasource, readOptions: {}, numBlocks, stages: [] });
}

/** Rows `{ id: 0 } ... { id: n - 1 }` (Int32 ids, Float64 beyond 2^31). */
export function range(n: number, options: ReadApiOptions = {}): Dataset {
  intAtLeast('range() n', n, 0);
  return readDatasource(new RangeDatasource(n), options);
}

/** A dataset of the given rows; values that are not objects become `{ item: value }`. */
export function fromItems(items: unknown[], options: ReadApiOptions = {}): Dataset {
  if (!Array.isArray(items)) throw new TypeError('fromItems() items must be an array');
  const [, numBlocks] = split('fromItems()', options);
  const ctx = DataContext.getCurrent();
  const n = numBlocks ?? (ctx.readParallelism || Math.min(200, Math.max(1, Math.ceil(items.length / 1000))));
  return new Dataset({ kind: 'input', name: 'FromItems', source: new ItemsSource([...items], n) });
}

/** A dataset of Arrow tables (one block each). */
export function fromArrow(tables: Table | Table[]): Dataset {
  return new Dataset({ kind: 'input', name: 'FromArrow', source: new ArrowSource(Array.isArray(tables) ? tables : [tables]) });
}

/** Parquet files (paths, globs, directories, `s3://`). Selecting columns first reads only those. */
export function readParquet(paths: string | string[], options?: ParquetReadOptions & ReadApiOptions): Dataset {
  const [rest, numBlocks] = split('readParquet()', options);
  return readDatasource(parquetDatasource(paths, rest), { overrideNumBlocks: numBlocks });
}

/** CSV files; a malformed line fails with the file and line. */
export function readCsv(paths: string | string[], options?: CsvReadOptions & ReadApiOptions): Dataset {
  const [rest, numBlocks] = split('readCsv()', options);
  return readDatasource(csvDatasource(paths, rest), { overrideNumBlocks: numBlocks });
}

/** JSON-lines files (one object per line). */
export function readJson(paths: string | string[], options?: JsonReadOptions & ReadApiOptions): Dataset {
  const [rest, numBlocks] = split('readJson()', options);
  return readDatasource(jsonDatasource(paths, rest), { overrideNumBlocks: numBlocks });
}

/** Text files, one row `{ text }` per line. */
export function readText(paths: string | string[], options?: TextReadOptions & ReadApiOptions): Dataset {
  const [rest, numBlocks] = split('readText()', options);
  return readDatasource(textDatasource(paths, rest), { overrideNumBlocks: numBlocks });
}

/** Whole files, one row `{ bytes }` (plus `path` with includePaths) per file. */
export function readBinaryFiles(paths: string | string[], options?: BinaryReadOptions & ReadApiOptions): Dataset {
  const [rest, numBlocks] = split('readBinaryFiles()', options);
  return readDatasource(binaryDatasource(paths, rest), { overrideNumBlocks: numBlocks });
}
