/**
 * CSV datasource: lists the files, samples the first one for its header and column types
 * (so every read task builds the same schema), and plans `csv` read tasks.
 */
import { checkColumnType, type ColumnSpec, type ColumnType } from './column-types.js';
import { sampleCsv, type CsvDialect } from './csv-records.js';
import { inferCsvSchema } from './csv-values.js';
import type { Datasource } from './datasource.js';
import { checkPaths, fileDatasource, resolveFileOptions, type FileSourceOptions } from './file-datasource.js';
import { fileSystemFor } from './filesystem.js';

/** Options of {@link csvDatasource}. */
export interface CsvReadOptions extends FileSourceOptions, CsvDialect {
  /** The first line holds the column names. @default true */
  header?: boolean;
  /** Column names when `header` is false. @default `column_0`, `column_1`, ... */
  columnNames?: string[];
  /**
   * Types of some or all columns (the rest are inferred). Empty cells are null in every type.
   * @default inferred: bool, float64 (all numbers), date, timestamp, else string
   */
  schema?: Record<string, ColumnType>;
  /** Rows of the first file sampled to infer types. @default 1000 */
  inferRows?: number;
}

/** Checks the CSV options, naming a bad field. */
function checkCsvOptions(o: CsvReadOptions): void {
  for (const k of ['delimiter', 'quote', 'escape', 'comment'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || (k !== 'comment' && o[k]!.length === 0))) {
      throw new TypeError(`options.${k} must be a non-empty string`);
    }
  }
  if (o.header !== undefined && typeof o.header !== 'boolean') throw new TypeError('options.header must be a boolean');
  if (o.columnNames !== undefined && (!Array.isArray(o.columnNames) || o.columnNames.some((c) => typeof c !== 'string'))) {
    throw new TypeError('options.columnNames must be an array of strings');
  }
  if (o.inferRows !== undefined && !(Number.isInteger(o.inferRows) && o.inferRows > 0)) {
    throw new RangeError('options.inferRows must be a positive integer');
  }
  if (o.schema !== undefined && (typeof o.schema !== 'object' || o.schema === null)) throw new TypeError('options.schema must be an object');
}

/**
 * Reads CSV files (local, directories, globs, `s3://`; `.csv.gz` is gunzipped).
 * One row per record; the header names the columns.
 */
export function csvDatasource(paths: string | string[], options: CsvReadOptions = {}): Datasource {
  const list = checkPaths(paths);
  checkCsvOptions(options);
  const common = resolveFileOptions(options, ['csv', 'csv.gz']);
  const given: Record<string, ColumnType> = {};
  for (const [name, t] of Object.entries(options.schema ?? {})) given[name] = checkColumnType(t, `options.schema.${name}`);
  const dialect: CsvDialect = { delimiter: options.delimiter, quote: options.quote, escape: options.escape, comment: options.comment };
  const hasHeader = options.header ?? true;
  return fileDatasource({
    name: 'ReadCSV',
    kind: 'csv',
    paths: list,
    options: common,
    params: { dialect: JSON.parse(JSON.stringify(dialect)), header: hasHeader, givenTypes: given },
    async prepare(files) {
      const first = files[0]!.path;
      const sample = await sampleCsv(fileSystemFor(first, common.s3), first, dialect, (options.inferRows ?? 1000) + 1);
      const width = sample[0]?.cells.length ?? 0;
      const names = hasHeader
        ? (sample[0]?.cells ?? [])
        : (options.columnNames ?? Array.from({ length: width }, (_, i) => `column_${i}`));
      const rows = (hasHeader ? sample.slice(1) : sample).map((r) => r.cells);
      const schema: ColumnSpec[] = inferCsvSchema(names, rows, given);
      return { columnNames: names, schema, firstPath: first };
    },
  });
}
