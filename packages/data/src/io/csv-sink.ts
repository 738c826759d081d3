/**
 * Writing CSV with csv-stringify: {@link csvDatasink} and the `csv` writer. Nulls are empty
 * cells; dates, timestamps, bytes and nested values are written as text (see arrow-values).
 */
import type { Table } from 'apache-arrow';
import { stringify } from 'csv-stringify/sync';
import { plainColumn } from './arrow-values.js';
import { registerWriter, type Datasink } from './datasource.js';
import { fileDatasink, runWriteTask, type FileEncoder, type FileSinkOptions } from './file-datasink.js';

/** Options of {@link csvDatasink}. */
export interface CsvWriteOptions extends FileSinkOptions {
  /** Field separator. @default ',' */
  delimiter?: string;
  /** Write a header line with the column names. @default true */
  header?: boolean;
}

/** Writes a dataset as CSV files into a directory or `s3://` prefix. */
export function csvDatasink(path: string, options: CsvWriteOptions = {}): Datasink {
  if (options.delimiter !== undefined && (typeof options.delimiter !== 'string' || options.delimiter === '')) {
    throw new TypeError('options.delimiter must be a non-empty string');
  }
  if (options.header !== undefined && typeof options.header !== 'boolean') throw new TypeError('options.header must be a boolean');
  return fileDatasink({
    name: 'WriteCSV',
    kind: 'csv',
    ext: 'csv',
    path,
    options,
    params: { delimiter: options.delimiter ?? ',', header: options.header ?? true },
  });
}

function cell(v: unknown): string {
  if (v == null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** One CSV file being written. */
class CsvEncoder implements FileEncoder {
  private started = false;
  constructor(private readonly delimiter: string, private readonly header: boolean) {}

  write(block: Table): Uint8Array[] {
    const names = block.schema.fields.map((f) => f.name);
    const cols = names.map((_, j) => plainColumn(block.getChildAt(j)!));
    const rows: string[][] = [];
    if (!this.started && this.header) rows.push(names);
    this.started = true;
    for (let i = 0; i < block.numRows; i++) rows.push(cols.map((c) => cell(c[i])));
    return [Buffer.from(stringify(rows, { delimiter: this.delimiter }), 'utf8')];
  }

  finish(): Uint8Array[] {
    return [];
  }
}

registerWriter('csv', (blocks, params, ctx) =>
  runWriteTask(blocks, params, ctx, () => new CsvEncoder((params.delimiter as string | undefined) ?? ',', params.header !== false)),
);
