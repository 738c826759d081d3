/**
 * Text files: one row per line in a `text` column (`.gz` is gunzipped). The datasource
 * and its `text` reader.
 */
import { Utf8, type Table } from 'apache-arrow';
import { dataFrom, makeTable } from './arrow-build.js';
import { registerReader, type Datasource, type ReadOptions } from './datasource.js';
import { checkPaths, fileDatasource, resolveFileOptions, type FileSourceOptions } from './file-datasource.js';
import { fsOf, numberedLines, openText, pathColumn, projectColumns, taskSettings, wantsPathColumn } from './read-helpers.js';

/** Options of {@link textDatasource}. */
export interface TextReadOptions extends FileSourceOptions {
  /** Skip empty (or whitespace-only) lines. @default false */
  dropEmptyLines?: boolean;
}

/** Reads text files, one row per line, column `text` (plus `path` with `includePaths`). */
export function textDatasource(paths: string | string[], options: TextReadOptions = {}): Datasource {
  const list = checkPaths(paths);
  const common = resolveFileOptions(options, []);
  if (options.dropEmptyLines !== undefined && typeof options.dropEmptyLines !== 'boolean') {
    throw new TypeError('options.dropEmptyLines must be a boolean');
  }
  return fileDatasource({
    name: 'ReadText',
    kind: 'text',
    paths: list,
    options: common,
    params: { dropEmptyLines: options.dropEmptyLines ?? false },
  });
}

async function* readText(params: Record<string, unknown>, options: ReadOptions): AsyncGenerator<Table> {
  const s = taskSettings(params, options);
  const drop = params.dropEmptyLines === true;
  const withPath = wantsPathColumn(s);
  const type = new Utf8();
  for (const file of s.files) {
    if (s.limit <= 0) return;
    const keepText = projectColumns(file.path, ['text'], s).includes('text');
    let lines: string[] = [];
    const flush = (): Table => {
      const cols: ReturnType<typeof pathColumn>[] = keepText ? [{ name: 'text', type, data: dataFrom(type, lines) }] : [];
      if (withPath) cols.push(pathColumn(file.path, lines.length));
      s.limit -= lines.length;
      const t = makeTable(cols, lines.length);
      lines = [];
      return t;
    };
    for await (const [line] of numberedLines(file.path, await openText(fsOf(s, file.path), file.path))) {
      if (drop && line.trim() === '') continue;
      lines.push(line);
      if (lines.length >= Math.min(s.blockRows, s.limit)) {
        yield flush();
        if (s.limit <= 0) break;
      }
    }
    if (lines.length > 0) yield flush();
  }
}

registerReader('text', readText);
