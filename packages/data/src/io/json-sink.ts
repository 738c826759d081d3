/**
 * Writing JSON lines: {@link jsonDatasink} and the `json` writer. One object per row with
 * every column (nulls included); dates, timestamps and bytes are written as strings
 * (see arrow-values), bigints as numbers when safe.
 */
import type { Table } from 'apache-arrow';
import { plainColumn } from './arrow-values.js';
import { registerWriter, type Datasink } from './datasource.js';
import { fileDatasink, runWriteTask, type FileEncoder, type FileSinkOptions } from './file-datasink.js';

/** Options of {@link jsonDatasink}. */
export type JsonWriteOptions = FileSinkOptions;

/** Writes a dataset as JSON lines files into a directory or `s3://` prefix. */
export function jsonDatasink(path: string, options: JsonWriteOptions = {}): Datasink {
  return fileDatasink({ name: 'WriteJSON', kind: 'json', ext: 'jsonl', path, options, params: {} });
}

/** One JSON lines file being written. */
class JsonEncoder implements FileEncoder {
  write(block: Table): Uint8Array[] {
    const names = block.schema.fields.map((f) => f.name);
    const cols = names.map((_, j) => plainColumn(block.getChildAt(j)!));
    const lines: string[] = [];
    for (let i = 0; i < block.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let j = 0; j < names.length; j++) row[names[j]!] = cols[j]![i];
      lines.push(JSON.stringify(row));
    }
    return [Buffer.from(`${lines.join('\n')}\n`, 'utf8')];
  }

  finish(): Uint8Array[] {
    return [];
  }
}

registerWriter('json', (blocks, params, ctx) => runWriteTask(blocks, params, ctx, () => new JsonEncoder()));
