/**
 * The `csv` reader: streams each file of a read task through csv-parse and turns records
 * into Arrow blocks with the schema planned from the first file. A different header is a
 * {@link SchemaMismatchError}; a bad line or a value that does not fit its column is a
 * {@link MalformedInputError} naming the file and line.
 */
import type { Table } from 'apache-arrow';
import { dataFrom, makeTable } from './arrow-build.js';
import { arrowTypeOf, BAD_VALUE, typeName, type ColumnSpec, type ColumnType } from './column-types.js';
import { csvRecords, type CsvDialect, type CsvRecord } from './csv-records.js';
import { inferCsvSchema, parseCell } from './csv-values.js';
import { registerReader, type ReadOptions } from './datasource.js';
import { MalformedInputError, SchemaMismatchError } from './errors.js';
import { fsOf, pathColumn, projectColumns, taskSettings, wantsPathColumn } from './read-helpers.js';

/** Shared state of one task: the column names and schema every file must match. */
interface CsvState {
  names: string[] | undefined;
  schema: ColumnSpec[] | undefined;
  firstPath: string;
  given: Record<string, ColumnType>;
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Converts buffered records of one file to a block. */
function toBlock(path: string, recs: CsvRecord[], st: CsvState, columns: string[], withPath: boolean): Table {
  const names = st.names!;
  st.schema ??= inferCsvSchema(names, recs.map((r) => r.cells), st.given);
  for (const r of recs) {
    if (r.cells.length !== names.length) {
      throw new MalformedInputError(path, r.line, `expected ${names.length} fields (${names.join(', ')}), got ${r.cells.length}`);
    }
  }
  const cols = columns.map((name) => {
    const j = names.indexOf(name);
    const type = st.schema![j]!.type;
    const values = new Array<unknown>(recs.length);
    for (let i = 0; i < recs.length; i++) {
      const cell = recs[i]!.cells[j]!;
      const v = parseCell(type, cell);
      if (v === BAD_VALUE) {
        const why = !(name in st.given)
          ? ` (the type was inferred from the first rows of ${st.firstPath}); pass schema: { '${name}': 'string' } to read the column as text`
          : '';
        throw new MalformedInputError(path, recs[i]!.line, `column '${name}': ${JSON.stringify(cell)} is not a ${typeName(type)}${why}`);
      }
      values[i] = v;
    }
    const arrowType = arrowTypeOf(type);
    return { name, type: arrowType, data: dataFrom(arrowType, values) };
  });
  if (withPath && !columns.includes('path')) cols.push(pathColumn(path, recs.length));
  return makeTable(cols, recs.length);
}

async function* readCsv(params: Record<string, unknown>, options: ReadOptions): AsyncGenerator<Table> {
  const s = taskSettings(params, options);
  const dialect = (params.dialect ?? {}) as CsvDialect;
  const hasHeader = params.header !== false;
  const st: CsvState = {
    names: params.columnNames as string[] | undefined,
    schema: params.schema as ColumnSpec[] | undefined,
    firstPath: (params.firstPath as string | undefined) ?? s.files[0]?.path ?? '',
    given: (params.givenTypes ?? {}) as Record<string, ColumnType>,
  };
  const withPath = wantsPathColumn(s);
  for (const file of s.files) {
    if (s.limit <= 0) return;
    let needHeader = hasHeader;
    let columns: string[] | undefined;
    let pending: CsvRecord[] = [];
    for await (const rec of csvRecords(fsOf(s, file.path), file.path, dialect)) {
      if (needHeader) {
        needHeader = false;
        const header = rec.cells;
        if (st.names && !sameNames(st.names, header)) {
          throw new SchemaMismatchError(file.path, st.firstPath, `its header is [${header.join(', ')}], expected [${st.names.join(', ')}]`);
        }
        st.names ??= header;
        continue;
      }
      st.names ??= Array.from({ length: rec.cells.length }, (_, i) => `column_${i}`);
      columns ??= projectColumns(file.path, st.names, s);
      pending.push(rec);
      if (pending.length >= Math.min(s.blockRows, s.limit)) {
        s.limit -= pending.length;
        yield toBlock(file.path, pending, st, columns, withPath);
        pending = [];
        if (s.limit <= 0) break;
      }
    }
    if (pending.length > 0) {
      s.limit -= pending.length;
      yield toBlock(file.path, pending, st, columns!, withPath);
    }
  }
}

registerReader('csv', readCsv);
