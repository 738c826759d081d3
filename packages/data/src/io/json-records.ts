/**
 * Streams the objects of a JSON file: JSON lines (one object per line, blank lines
 * skipped) or, when the file starts with `[`, one JSON array of objects. A line that is
 * not a JSON object is a {@link MalformedInputError} naming the file and line.
 */
import { MalformedInputError } from './errors.js';
import type { FileSystem } from './filesystem.js';
import { numberedLines, openText } from './read-helpers.js';

/** One object and the 1-based line it is on (1 for the elements of a JSON array file). */
export interface JsonRecord {
  value: Record<string, unknown>;
  line: number;
}

function asObject(path: string, line: number, v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new MalformedInputError(path, line, `${what} is ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}, expected a JSON object`);
  }
  return v as Record<string, unknown>;
}

/** The objects of a JSON lines (or JSON array) file, streamed. */
export async function* jsonRecords(fs: FileSystem, path: string): AsyncGenerator<JsonRecord> {
  const lines = numberedLines(path, await openText(fs, path));
  let arrayText: string[] | undefined;
  let first = true;
  for await (const [line, n] of lines) {
    if (arrayText) {
      arrayText.push(line);
      continue;
    }
    const text = line.trim();
    if (text === '') continue;
    if (first) {
      first = false;
      if (text.startsWith('[')) {
        arrayText = [line];
        continue;
      }
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new MalformedInputError(path, n, `not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    yield { value: asObject(path, n, v, 'the line'), line: n };
  }
  if (arrayText) {
    let arr: unknown;
    try {
      arr = JSON.parse(arrayText.join('\n'));
    } catch (err) {
      throw new MalformedInputError(path, 1, `not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (!Array.isArray(arr)) throw new MalformedInputError(path, 1, 'expected a JSON array of objects or one object per line');
    for (let i = 0; i < arr.length; i++) yield { value: asObject(path, 1, arr[i], `element ${i}`), line: 1 };
  }
}

/** The first `maxRows` objects of a file, then stops reading. */
export async function sampleJson(fs: FileSystem, path: string, maxRows: number): Promise<JsonRecord[]> {
  const out: JsonRecord[] = [];
  for await (const r of jsonRecords(fs, path)) {
    out.push(r);
    if (out.length >= maxRows) break;
  }
  return out;
}
