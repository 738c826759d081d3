/**
 * The `json` reader: streams the objects of each file of a read task into Arrow blocks
 * with the schema planned from the first file. A key outside that schema is a
 * {@link SchemaMismatchError}; a bad line or a value that does not fit its column is a
 * {@link MalformedInputError} naming the file and line.
 */
import type { Table } from 'apache-arrow';
import { dataFrom, makeTable } from './arrow-build.js';
import { arrowTypeOf, BAD_VALUE, coerceJsonValue, typeName, type ColumnSpec, type ColumnType } from './column-types.js';
import { registerReader, type ReadOptions } from './datasource.js';
import { MalformedInputError, SchemaMismatchError } from './errors.js';
import { inferJsonSchema } from './json-datasource.js';
import { jsonRecords, type JsonRecord } from './json-records.js';
import { fsOf, pathColumn, projectColumns, taskSettings, wantsPathColumn } from './read-helpers.js';

interface JsonState {
  schema: ColumnSpec[] | undefined;
  names: Set<string>;
  firstPath: string;
  given: Record<string, ColumnType>;
}

function checkKeys(path: string, recs: JsonRecord[], st: JsonState): void {
  for (const r of recs) {
    for (const k in r.value) {
      if (!st.names.has(k)) {
        throw new SchemaMismatchError(
          path, st.firstPath,
          `line ${r.line} has key '${k}', which is not among the columns [${[...st.names].join(', ')}] found in the first rows of ${st.firstPath} ` +
            `(pass schema: { '${k}': <type> } to declare it)`,
        );
      }
    }
  }
}

function toBlock(path: string, recs: JsonRecord[], st: JsonState, columns: string[] | undefined, withPath: boolean): Table {
  if (!st.schema) {
    st.schema = inferJsonSchema(recs.map((r) => r.value), st.given);
    st.names = new Set(st.schema.map((c) => c.name));
  }
  checkKeys(path, recs, st);
  const names = projectColumns(path, st.schema.map((c) => c.name), { columns, includePaths: withPath });
  const cols = names.map((name) => {
    const type = st.schema!.find((c) => c.name === name)!.type;
    const values = new Array<unknown>(recs.length);
    for (let i = 0; i < recs.length; i++) {
      const raw = recs[i]!.value[name];
      const v = coerceJsonValue(type, raw);
      if (v === BAD_VALUE) {
        const why = name in st.given ? '' : ` (the type was inferred from the first rows of ${st.firstPath}); pass schema: { '${name}': 'string' } to keep it as text`;
        throw new MalformedInputError(path, recs[i]!.line, `key '${name}': ${JSON.stringify(raw)} is not a ${typeName(type)}${why}`);
      }
      values[i] = v;
    }
    const arrowType = arrowTypeOf(type);
    return { name, type: arrowType, data: dataFrom(arrowType, values) };
  });
  if (withPath && !names.includes('path')) cols.push(pathColumn(path, recs.length));
  return makeTable(cols, recs.length);
}

async function* readJson(params: Record<string, unknown>, options: ReadOptions): AsyncGenerator<Table> {
  const s = taskSettings(params, options);
  const schema = params.schema as ColumnSpec[] | undefined;
  const st: JsonState = {
    schema,
    names: new Set(schema?.map((c) => c.name)),
    firstPath: (params.firstPath as string | undefined) ?? s.files[0]?.path ?? '',
    given: (params.givenTypes ?? {}) as Record<string, ColumnType>,
  };
  const withPath = wantsPathColumn(s);
  for (const file of s.files) {
    if (s.limit <= 0) return;
    let pending: JsonRecord[] = [];
    for await (const rec of jsonRecords(fsOf(s, file.path), file.path)) {
      pending.push(rec);
      if (pending.length >= Math.min(s.blockRows, s.limit)) {
        s.limit -= pending.length;
        yield toBlock(file.path, pending, st, s.columns, withPath);
        pending = [];
        if (s.limit <= 0) break;
      }
    }
    if (pending.length > 0) {
      s.limit -= pending.length;
      yield toBlock(file.path, pending, st, s.columns, withPath);
    }
  }
}

registerReader('json', readJson);
