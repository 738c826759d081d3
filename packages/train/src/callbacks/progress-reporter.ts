/**
 * Train's progress on a terminal, driven by the reports the driver receives (a
 * {@link TrainCallback}): on a TTY one line redrawn in place — report count, epoch, elapsed
 * time, the latest metrics — and a last line when the run ends; when the stream is not a
 * TTY, one plain line per report (only with `verbose: 2`, so logs and tests stay quiet by
 * default). The trainer adds one per run from `runConfig.verbose`.
 *
 * Written against `isTTY` and ANSI erase-line, not cli-progress: that package is a
 * dependency of @ray-ts/data only, and a line of text is all a run's progress needs.
 */
import type { ReportInfo, RunInfo, RunOutcome, TrainCallback } from './callback.js';

/** The stream the reporter writes to (stderr by default). */
export type ProgressStream = Pick<NodeJS.WritableStream, 'write'> & { isTTY?: boolean; columns?: number };

/** Options of {@link TrainProgressReporter}. */
export interface TrainProgressReporterOptions {
  /** 0: nothing; 1: a live line on a TTY, nothing otherwise; 2: also a plain line per report when not a TTY. @default 1 */
  verbose?: 0 | 1 | 2;
  /** Where to write. @default process.stderr */
  stream?: ProgressStream;
  /** How often (ms) the live line is redrawn between reports, for the elapsed time. @default 1000 */
  refreshMs?: number;
  /** Metrics shown, at most. @default 6 */
  maxMetrics?: number;
}

/** Seconds as `h:mm:ss` or `m:ss`. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function formatValue(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
  if (typeof v === 'string') return v.length > 24 ? `${v.slice(0, 23)}…` : v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined; // arrays and objects do not fit on a line
}

/** `key=value` for the scalar metrics (epoch aside, it has its own field), at most `max`. */
export function formatMetrics(metrics: Readonly<Record<string, unknown>>, max = 6): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(metrics)) {
    if (k === 'epoch') continue;
    const s = formatValue(v);
    if (s === undefined) continue;
    if (parts.length === max) {
      parts.push('…');
      break;
    }
    parts.push(`${k}=${s}`);
  }
  return parts.join(' ');
}

/** Prints a run's progress from its reports. */
export class TrainProgressReporter implements TrainCallback {
  private readonly verbose: 0 | 1 | 2;
  private readonly out: ProgressStream;
  private readonly tty: boolean;
  private readonly refreshMs: number;
  private readonly maxMetrics: number;
  private name = 'train';
  private started = Date.now();
  private last: ReportInfo | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: TrainProgressReporterOptions = {}) {
    const v = options.verbose ?? 1;
    if (v !== 0 && v !== 1 && v !== 2) throw new RangeError(`verbose must be 0, 1 or 2, got ${String(v)}`);
    this.verbose = v;
    this.out = options.stream ?? process.stderr;
    this.tty = this.out.isTTY === true;
    this.refreshMs = options.refreshMs ?? 1000;
    this.maxMetrics = options.maxMetrics ?? 6;
  }

  /** Whether it prints anything (verbose 1 on a TTY, or verbose 2). */
  get enabled(): boolean {
    return this.verbose === 2 || (this.verbose === 1 && this.tty);
  }

  setup(run: RunInfo): void {
    this.name = run.name;
    this.started = Date.now();
    if (!this.enabled || !this.tty) return;
    this.draw();
    this.timer = setInterval(() => this.draw(), this.refreshMs);
    this.timer.unref();
  }

  onReport(report: ReportInfo): void {
    this.last = report;
    if (!this.enabled) return;
    if (this.tty) this.draw();
    else this.out.write(`${this.line()}\n`);
  }

  teardown(outcome: RunOutcome): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.enabled) return;
    const end = outcome.error ? `failed: ${outcome.error.message.split('\n')[0]}` : 'done';
    const text = this.line(Date.now(), end);
    if (this.tty) this.out.write(`\r\x1b[2K${this.fit(text)}\n`);
    else this.out.write(`${text}\n`);
  }

  /** Erases the live line (before another message is written to the same terminal); it is redrawn on the next tick. */
  clearLine(): void {
    if (this.enabled && this.tty) this.out.write('\r\x1b[2K');
  }

  /** `[train <name>] · report 3 · epoch 2 · 0:12 · loss=0.1234 acc=0.9100` (`status` after the name: done, failed: ...). */
  line(now = Date.now(), status?: string): string {
    const r = this.last;
    const parts = [`[train ${this.name}]`, ...(status ? [status] : []), r ? `report ${r.iteration}` : 'starting'];
    const epoch = r ? formatValue(r.metrics.epoch) : undefined;
    if (epoch !== undefined) parts.push(`epoch ${epoch}`);
    parts.push(formatElapsed(now - this.started));
    const m = r ? formatMetrics(r.metrics, this.maxMetrics) : '';
    if (m) parts.push(m);
    return parts.join(' · ');
  }

  private fit(text: string): string {
    const cols = this.out.columns;
    return cols && cols > 1 && text.length >= cols ? `${text.slice(0, cols - 2)}…` : text;
  }

  private draw(): void {
    this.out.write(`\r\x1b[2K${this.fit(this.line())}`);
  }
}
