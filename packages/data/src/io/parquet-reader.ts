/**
 * The `parquet` reader: for each file of a read task, reads the footer, then the planned
 * row groups column by column with hyparquet (only the projected columns, stopping at
 * the limit) and builds Arrow blocks straight from the decoded column arrays.
 */
import type { Table } from 'apache-arrow';
import { parquetScan, type ParquetScan } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { dataFrom, makeTable, sliceRows } from './arrow-build.js';
import { registerReader, type ReadOptions } from './datasource.js';
import { DataSourceError } from './errors.js';
import type { ParquetTaskFile } from './parquet-datasource.js';
import { asyncBufferOf, parquetColumns, RAW_PARSERS, readParquetMetadata } from './parquet-schema.js';
import { fsOf, pathColumn, projectColumns, taskSettings, wantsPathColumn } from './read-helpers.js';

function wrap(path: string, err: unknown): Error {
  if (err instanceof DataSourceError) return err;
  return new DataSourceError(path, `${path}: reading parquet failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

async function* readParquet(params: Record<string, unknown>, options: ReadOptions): AsyncGenerator<Table> {
  const s = taskSettings(params, options);
  const withPath = wantsPathColumn(s);
  for (const f of s.files as ParquetTaskFile[]) {
    if (s.limit <= 0) return;
    const file = await asyncBufferOf(fsOf(s, f.path), f.path, f.size);
    const metadata = await readParquetMetadata(file, f.path);
    const all = parquetColumns(metadata);
    const names = projectColumns(f.path, all.map((c) => c.name), s);
    const types = names.map((n) => all.find((c) => c.name === n)!.type);
    let scan: ParquetScan | undefined;
    if (names.length > 0) {
      try {
        scan = await parquetScan({ file, metadata, columns: names, compressors, utf8: false, parsers: RAW_PARSERS });
      } catch (err) {
        throw wrap(f.path, err);
      }
    }
    const starts: number[] = [];
    let at = 0;
    for (const g of metadata.row_groups) {
      starts.push(at);
      at += Number(g.num_rows);
    }
    const groups = Array.isArray(f.rowGroups) ? f.rowGroups : metadata.row_groups.map((_, i) => i);
    for (const rg of groups) {
      if (s.limit <= 0) return;
      const rowStart = starts[rg]!;
      const rows = Math.min(Number(metadata.row_groups[rg]!.num_rows), s.limit);
      if (rows <= 0) continue;
      let columns;
      try {
        const arrays = await Promise.all(names.map((column) => scan!.readColumn({ column, rowStart, rowEnd: rowStart + rows })));
        columns = names.map((name, i) => ({ name, type: types[i]!, data: dataFrom(types[i]!, arrays[i]!) }));
      } catch (err) {
        throw wrap(f.path, err);
      }
      if (withPath && !names.includes('path')) columns.push(pathColumn(f.path, rows));
      s.limit -= rows;
      yield* sliceRows(makeTable(columns, rows), s.blockRows);
    }
  }
}

registerReader('parquet', readParquet);
