/**
 * Output formats of the state commands: an aligned table, JSON, or YAML.
 */

/** Output format of `ray-ts list|summary|memory|get`. */
export type OutputFormat = 'table' | 'json' | 'yaml';

/** Checks `--format`. */
export function checkFormat(f: string): OutputFormat {
  if (f !== 'table' && f !== 'json' && f !== 'yaml') throw new Error(`--format must be table, json or yaml, got '${f}'`);
  return f;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Rows as an aligned table with the union of their columns. */
export function table(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '(none)';
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(width[i]!)).join('  ').trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  return /^[\w./@:-]+$/.test(s) && !/^(true|false|null|~|-?\d[\d.e+-]*)$/i.test(s) ? s : JSON.stringify(s);
}

/** A JSON-able value as YAML (block style). */
export function yaml(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v.map((x) => {
      const inner = yaml(x, `${indent}  `);
      return `${indent}- ${x !== null && typeof x === 'object' && Object.keys(x).length ? inner.trimStart() : inner}`;
    }).join('\n');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return entries.map(([k, x]) => {
      const key = `${indent}${/^[\w-]+$/.test(k) ? k : JSON.stringify(k)}:`;
      if (x !== null && typeof x === 'object' && Object.keys(x).length) return `${key}\n${yaml(x, `${indent}  `)}`;
      return `${key} ${x !== null && typeof x === 'object' ? (Array.isArray(x) ? '[]' : '{}') : scalar(x)}`;
    }).join('\n');
  }
  return `${indent}${scalar(v)}`;
}

/** Renders a value in a format (`table` renders arrays of rows; other values fall back to YAML). */
export function render(v: unknown, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(v, null, 2);
  if (format === 'table' && Array.isArray(v)) return table(v as Array<Record<string, unknown>>);
  return yaml(v);
}
