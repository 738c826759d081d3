/**
 * `<trial>/progress.csv` (Ray Tune's CSV logger, built in): one row per result, nested
 * metrics flattened to `a/b` columns. Columns come from the first result; a key that shows
 * up later widens the header (the file is rewritten once, earlier rows get empty cells);
 * a missing key leaves its cell empty. Cells are quoted as RFC 4180 says; arrays and
 * objects are written as JSON.
 */
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Columns of each progress.csv this process writes to, by file. */
const columnsOf = new Map<string, string[]>();

function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const text = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function line(columns: readonly string[], row: Record<string, unknown>): string {
  return `${columns.map((c) => cell(row[c])).join(',')}\n`;
}

/** The header of an existing file (its first line, split on commas outside quotes), or undefined. */
async function readHeader(file: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const first = text.split('\n', 1)[0] ?? '';
  if (!first) return undefined;
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < first.length; i++) {
    const c = first[i]!;
    if (quoted && c === '"' && first[i + 1] === '"') (cur += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur.replace(/\r$/, ''));
  return out;
}

/** Notes that a new trial directory has no progress.csv yet (saves a read at its first result). */
export function newProgress(trialDir: string): void {
  columnsOf.set(join(trialDir, 'progress.csv'), []);
}

/** Forgets the columns of a trial that ended (they are read back from the file if it runs again). */
export function endProgress(trialDir: string): void {
  columnsOf.delete(join(trialDir, 'progress.csv'));
}

/** Writes the whole file from `results` (a new trial directory, or results truncated to a checkpoint). */
export async function writeProgress(trialDir: string, results: readonly Record<string, unknown>[]): Promise<void> {
  const file = join(trialDir, 'progress.csv');
  const rows = results.map((r) => flatten(r));
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, columns.length ? line(columns, Object.fromEntries(columns.map((c) => [c, c]))) + rows.map((r) => line(columns, r)).join('') : '');
  await rename(tmp, file);
  columnsOf.set(file, columns);
}

/** Appends one result; rewrites the file with a wider header when the result has new keys. */
export async function appendProgress(trialDir: string, result: Record<string, unknown>, history: () => Promise<readonly Record<string, unknown>[]>): Promise<void> {
  const file = join(trialDir, 'progress.csv');
  let columns = columnsOf.get(file);
  if (!columns) {
    columns = (await readHeader(file)) ?? [];
    columnsOf.set(file, columns);
  }
  const row = flatten(result);
  if (columns.length > 0 && Object.keys(row).every((k) => columns.includes(k))) {
    await appendFile(file, line(columns, row));
    return;
  }
  await writeProgress(trialDir, await history());
}
