/**
 * Streams the records of a CSV file with csv-parse, with the line each record ends on;
 * a parse error becomes a {@link MalformedInputError} naming the file and line.
 */
import { CsvError, parse } from 'csv-parse';
import { MalformedInputError } from './errors.js';
import type { FileSystem } from './filesystem.js';
import { openText } from './read-helpers.js';

/** CSV dialect options (plain data; they travel in read-task params). */
export interface CsvDialect {
  /** Field separator. @default ',' */
  delimiter?: string;
  /** Quote character. @default '"' */
  quote?: string;
  /** Escape character inside quotes. @default '"' */
  escape?: string;
  /** Lines starting with this are skipped. @default none */
  comment?: string;
}

/** One record: its cells and the 1-based line it ends on. */
export interface CsvRecord {
  cells: string[];
  line: number;
}

/** The records of a CSV file (header included), streamed. */
export async function* csvRecords(fs: FileSystem, path: string, dialect: CsvDialect): AsyncGenerator<CsvRecord> {
  const stream = await openText(fs, path);
  const parser = parse({
    delimiter: dialect.delimiter ?? ',',
    quote: dialect.quote ?? '"',
    escape: dialect.escape ?? '"',
    comment: dialect.comment || undefined,
    bom: true,
    skip_empty_lines: true,
    info: true,
  });
  stream.on('error', (err) => parser.destroy(err));
  stream.pipe(parser);
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: r.record, line: r.info.lines };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? 0;
      throw new MalformedInputError(path, line, `malformed CSV: ${err.message}`, { cause: err });
    }
    throw err;
  } finally {
    stream.destroy();
    parser.destroy();
  }
}

/** The first `maxRows` records of a file (header included), then stops reading. */
export async function sampleCsv(fs: FileSystem, path: string, dialect: CsvDialect, maxRows: number): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of csvRecords(fs, path, dialect)) {
    out.push(r);
    if (out.length >= maxRows) break;
  }
  return out;
}
