/**
 * JSON datasource: lists the files, samples the first one for its columns and types (so
 * every read task builds the same schema), and plans `json` read tasks.
 */
import { checkColumnType, mergeSpecs, typeOfJsonValue, type ColumnSpec, type ColumnType } from './column-types.js';
import type { Datasource } from './datasource.js';
import { checkPaths, fileDatasource, resolveFileOptions, type FileSourceOptions } from './file-datasource.js';
import { fileSystemFor } from './filesystem.js';
import { sampleJson } from './json-records.js';

/** Options of {@link jsonDatasource}. */
export interface JsonReadOptions extends FileSourceOptions {
  /**
   * Types of some or all columns (the rest are inferred); columns named here but absent
   * from the sample are added.
   * @default inferred: float64 (numbers), bool, date/timestamp (ISO strings), string, list, struct
   */
  schema?: Record<string, ColumnType>;
  /** Objects of the first file sampled to infer columns and types. @default 1000 */
  inferRows?: number;
}

/** Columns and types of sampled objects; `given` types win, unknown types become string. */
export function inferJsonSchema(rows: Record<string, unknown>[], given: Record<string, ColumnType> = {}): ColumnSpec[] {
  let specs: ColumnSpec[] = [];
  const seen = new Map<string, ColumnType | undefined>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (!seen.has(k)) seen.set(k, undefined);
      const t = typeOfJsonValue(v);
      if (t !== undefined) specs = mergeSpecs(specs, [{ name: k, type: t }]);
    }
  }
  const out: ColumnSpec[] = [...seen.keys()].map((name) => ({
    name,
    type: given[name] ?? specs.find((s) => s.name === name)?.type ?? 'string',
  }));
  for (const [name, type] of Object.entries(given)) if (!seen.has(name)) out.push({ name, type });
  return out;
}

/**
 * Reads JSON lines files (one object per line; a file holding one JSON array of objects
 * also works; `.gz` is gunzipped). One row per object, one column per key.
 */
export function jsonDatasource(paths: string | string[], options: JsonReadOptions = {}): Datasource {
  const list = checkPaths(paths);
  const common = resolveFileOptions(options, ['json', 'jsonl', 'ndjson', 'json.gz', 'jsonl.gz', 'ndjson.gz']);
  if (options.inferRows !== undefined && !(Number.isInteger(options.inferRows) && options.inferRows > 0)) {
    throw new RangeError('options.inferRows must be a positive integer');
  }
  if (options.schema !== undefined && (typeof options.schema !== 'object' || options.schema === null)) {
    throw new TypeError('options.schema must be an object');
  }
  const given: Record<string, ColumnType> = {};
  for (const [name, t] of Object.entries(options.schema ?? {})) given[name] = checkColumnType(t, `options.schema.${name}`);
  return fileDatasource({
    name: 'ReadJSON',
    kind: 'json',
    paths: list,
    options: common,
    params: { givenTypes: given },
    async prepare(files) {
      const first = files[0]!.path;
      const sample = await sampleJson(fileSystemFor(first, common.s3), first, options.inferRows ?? 1000);
      return { schema: inferJsonSchema(sample.map((r) => r.value), given), firstPath: first };
    },
  });
}
