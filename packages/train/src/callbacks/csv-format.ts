/**
 * The little CSV that `progress.csv` needs (RFC 4180): cells quoted when they hold a
 * comma, quote or line break; a parser for reading a file back when a resumed run
 * continues it or a new column appears.
 */
import { toJsonSafe } from '../storage/json-safe.js';

/** The text of one cell: empty for null/undefined, JSON for arrays and objects. */
export function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  return toJsonSafe(v);
}

/** Quotes a cell when needed. */
export function escapeCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (with `\n`). */
export function formatRow(cells: readonly string[]): string {
  return `${cells.map(escapeCell).join(',')}\n`;
}

/** Parses CSV text into rows of cells. A trailing line break does not make an empty row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
