/**
 * Ray Tune's `CSVLoggerCallback`: one row per report in `<run>/progress.csv`, with the
 * metrics flattened (`{ val: { loss } }` → column `val/loss`).
 *
 * Columns come from the first report. A key that appears later gets a new column at
 * the end: the file is rewritten once with the wider header, earlier rows getting empty
 * cells for it (Ray drops such keys silently; keeping them loses nothing). A key that is
 * missing from a report leaves its cell empty.
 */
import { joinStorage } from '../storage/paths.js';
import type { ReportInfo, RunInfo, RunOutcome } from './callback.js';
import { cellText, formatRow, parseCsv } from './csv-format.js';
import { flattenDict } from './flatten.js';
import { checkFileLoggerOptions, reportRow, type FileLoggerOptions } from './json-logger.js';
import { LoggerCallback } from './logger-callback.js';
import { RunTextFile } from './run-file.js';

/** Logs reports as rows of `<run>/progress.csv`. */
export class CsvLoggerCallback extends LoggerCallback {
  private file: RunTextFile | undefined;
  private columns: string[] = [];

  /** @throws TypeError naming a bad option. */
  constructor(options: FileLoggerOptions = {}) {
    super(checkFileLoggerOptions(options));
  }

  /** Opens `progress.csv`; a resumed run continues an existing file and its columns. */
  async setup(run: RunInfo): Promise<void> {
    const file = new RunTextFile(joinStorage(run.path, 'progress.csv'), this.s3For(run));
    this.file = file;
    this.columns = [];
    await this.guard('setup', async () => {
      await file.open();
      const existing = await file.read();
      this.columns = existing ? (parseCsv(existing)[0] ?? []) : [];
    });
  }

  /** Appends a row, widening the header first when the report has new keys. */
  async onReport(report: ReportInfo): Promise<void> {
    const file = this.file;
    if (!file) return;
    const flat = flattenDict(reportRow(report));
    await this.guard('onReport', async () => {
      const added = Object.keys(flat).filter((k) => !this.columns.includes(k));
      const row = (cols: string[]) => formatRow(cols.map((c) => cellText(flat[c])));
      if (this.columns.length === 0) {
        this.columns = added;
        await file.rewrite(formatRow(this.columns) + row(this.columns));
      } else if (added.length > 0) {
        const old = parseCsv((await file.read()) ?? '').slice(1);
        const width = this.columns.length + added.length;
        const columns = [...this.columns, ...added];
        const body = old.map((cells) => formatRow([...cells, ...Array<string>(Math.max(0, width - cells.length)).fill('')])).join('');
        await file.rewrite(formatRow(columns) + body + row(columns));
        this.columns = columns;
      } else {
        await file.append(row(this.columns));
      }
    });
  }

  /** Nothing to flush: every row is written when reported. */
  async teardown(_outcome: RunOutcome): Promise<void> {
    this.file = undefined;
  }
}
