/**
 * Storage for `@ray-ts/data`: datasources and readers (parquet, CSV, JSON lines, text,
 * binary files), datasinks and writers (parquet, CSV, JSON lines), on local paths and
 * `s3://`. Importing this module registers every reader and writer, so a worker that
 * imports the data package can run any read or write task.
 *
 * @packageDocumentation
 */
export * from './datasource.js';
export { DataSourceError, FileNotFoundError, MalformedInputError, SchemaMismatchError, DataSinkError } from './errors.js';
export type { FileInfo } from './paths.js';
export { isS3Path, parseS3Url, globToRegExp } from './paths.js';
export { fileSystemFor, expandPaths, type FileSystem, type FileWriter } from './filesystem.js';
export { LocalFileSystem } from './fs-local.js';
export { S3FileSystem, resolveS3Options, type S3Options } from './fs-s3.js';
export type { ColumnType, ColumnSpec } from './column-types.js';
export { type FileSourceOptions, groupBySize } from './file-datasource.js';
export { type FileSinkOptions, type FileEncoder } from './file-datasink.js';
export { tableFromColumns, vectorFrom } from './arrow-build.js';
export { DEFAULT_BLOCK_ROWS } from './read-helpers.js';

// Datasources; their modules register the readers.
export { parquetDatasource, type ParquetReadOptions } from './parquet-datasource.js';
export { csvDatasource, type CsvReadOptions } from './csv-datasource.js';
export type { CsvDialect } from './csv-records.js';
export { jsonDatasource, type JsonReadOptions } from './json-datasource.js';
export { textDatasource, type TextReadOptions } from './text-source.js';
export { binaryDatasource, type BinaryReadOptions } from './binary-source.js';
import './parquet-reader.js';
import './csv-reader.js';
import './json-reader.js';

// Datasinks; their modules register the writers.
export { parquetDatasink, type ParquetWriteOptions } from './parquet-sink.js';
export { csvDatasink, type CsvWriteOptions } from './csv-sink.js';
export { jsonDatasink, type JsonWriteOptions } from './json-sink.js';
