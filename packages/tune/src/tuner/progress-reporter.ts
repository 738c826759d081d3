/**
 * The live progress table (Ray's CLIReporter): every `progressIntervalS` seconds, a status
 * line (trials per status, best result so far) and a cli-table3 table of the trials (id,
 * status, the config values that differ between trials, iteration, time, metric). On a TTY
 * it redraws in place; `verbose: 1` (the default) prints only on a TTY, `verbose: 2` always
 * (a table per interval, plain text), `verbose: 0` never.
 */
import Table from 'cli-table3';
import type { Trial } from './trial.js';

/** Where and how the reporter prints. */
export interface ProgressReporterOptions {
  /** 0: silent; 1: the live table when `out` is a TTY; 2: the table even when it is not. */
  verbose: 0 | 1 | 2;
  /** Seconds between tables. */
  intervalS: number;
  /** The metric and mode of the sweep (for the metric column and the best result). */
  metric: string | undefined;
  mode: 'min' | 'max' | undefined;
  /** Output stream. @default process.stdout */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Rows shown at most (the rest are counted). @default 20 */
  maxRows?: number;
}

function flat(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flat(v as Record<string, unknown>, `${prefix}${k}/`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
  if (v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Renders the status text of a set of trials (used by the reporter; exported for tests). */
export function renderProgress(trials: readonly Trial[], opts: Pick<ProgressReporterOptions, 'metric' | 'mode' | 'maxRows'>, elapsedS: number): string {
  const counts = new Map<string, number>();
  for (const t of trials) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const lines = [`== Status == running for ${elapsedS.toFixed(1)} s; ${trials.length} trials: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'none yet'}`];
  const { metric, mode } = opts;
  if (metric && mode) {
    let best: Trial | undefined;
    let bestV = Infinity;
    for (const t of trials) {
      const v = t.results[t.results.length - 1]?.[metric];
      if (typeof v === 'number' && (mode === 'min' ? v : -v) < bestV) [best, bestV] = [t, mode === 'min' ? v : -v];
    }
    if (best) lines.push(`Best so far: ${best.trialId} with ${metric}=${fmt(mode === 'min' ? bestV : -bestV)} and config ${JSON.stringify(best.config)}`);
  }
  const configs = trials.map((t) => flat(t.config));
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))].filter((k) => new Set(configs.map((c) => JSON.stringify(c[k]))).size > 1).slice(0, 6);
  const head = ['Trial', 'status', ...keys, 'iter', 'total time (s)', ...(metric ? [metric] : [])];
  const table = new Table({ head, style: { head: [], border: [] } });
  const maxRows = opts.maxRows ?? 20;
  trials.slice(0, maxRows).forEach((t, i) => {
    const last = t.results[t.results.length - 1];
    table.push([t.trialId, t.status, ...keys.map((k) => fmt(configs[i]![k])), fmt(last?.trainingIteration), last ? last.timeTotalS.toFixed(2) : '', ...(metric ? [fmt(last?.[metric])] : [])]);
  });
  lines.push(table.toString());
  if (trials.length > maxRows) lines.push(`... ${trials.length - maxRows} more trials`);
  return `${lines.join('\n')}\n`;
}

/** Prints the progress of a sweep while it runs. */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastLines = 0;
  private readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly started = Date.now();
  /** Whether anything is printed at all. */
  readonly enabled: boolean;

  constructor(
    private readonly trials: () => readonly Trial[],
    private readonly opts: ProgressReporterOptions,
  ) {
    this.out = opts.out ?? process.stdout;
    this.enabled = opts.verbose === 2 || (opts.verbose === 1 && this.out.isTTY === true);
  }

  /** Starts printing every interval (the timer does not keep the process alive). */
  start(): void {
    if (!this.enabled || this.timer) return;
    this.timer = setInterval(() => this.print(), this.opts.intervalS * 1000);
    this.timer.unref();
  }

  /** Prints the table now (on a TTY, over the previous one). */
  print(): void {
    if (!this.enabled) return;
    const text = renderProgress(this.trials(), this.opts, (Date.now() - this.started) / 1000);
    const tty = this.out.isTTY === true;
    if (tty && this.lastLines) this.out.write(`\x1b[${this.lastLines}F\x1b[J`);
    this.out.write(text);
    this.lastLines = tty ? text.split('\n').length - 1 : 0;
  }

  /** Stops the timer and prints the final table. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.print();
  }
}
