/**
 * Printing and saving the cluster suite's results: each figure beside its baseline
 * measured in the same run, and the ratio ours/baseline.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** One figure of the suite. */
export interface Row {
  /** Metric name. */
  name: string;
  /** Our figure (undefined when it failed or is not available). */
  ours?: number;
  /** The baseline figure from the same run. */
  baseline?: number;
  /** Unit of both figures. */
  unit: string;
  /** What the baseline is (one short phrase). */
  baselineIs: string;
  /** Why there is no figure: a failure. */
  error?: string;
  /** Why there is no figure: the feature is not there yet. */
  unavailable?: string;
  /** More about this figure, printed under the table. */
  detail?: string;
}

/** A whole run. */
export interface ClusterReport {
  quick: boolean;
  /** Load average (1 min) when the suite started and ended: other work on the machine. */
  load: { start: number; end: number };
  rows: Row[];
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(3);
}

function ratio(r: Row): string {
  return r.ours === undefined || !Number.isFinite(r.ours) || !r.baseline ? '-' : `${(r.ours / r.baseline).toFixed(2)}x`;
}

/** Our figure as printed: a number, `n/a` (not available, or no meaningful value: see the notes) or `ERROR`. */
function oursCell(r: Row): string {
  if (r.error) return 'ERROR';
  if (r.ours === undefined || !Number.isFinite(r.ours)) return 'n/a';
  return fmt(r.ours);
}

function line(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
}

/** Everything printed at the end of a run. */
export function formatReport(report: ClusterReport): string {
  const widths = [30, 10, 10, 8, 7, 0];
  const out = [
    '',
    `ray-ts cluster benchmarks${report.quick ? ' -- QUICK: a smoke test, not a measurement' : ''}`,
    `this machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
      `load average ${report.load.start.toFixed(1)} at start, ${report.load.end.toFixed(1)} at end`,
    'cluster: a head (0 CPUs) and 2 worker nodes (1 CPU each), separate processes started with `ray-ts start`, each its own "host" (RAY_TS_HOST_ID); the driver connects to the head',
    '',
    line(['figure', 'ours', 'baseline', 'unit', 'ratio', 'baseline is'], widths),
    '-'.repeat(110),
  ];
  for (const r of report.rows) {
    out.push(line([r.name, oursCell(r), fmt(r.baseline), r.unit, ratio(r), r.baselineIs], widths));
  }
  const notes = report.rows.filter((r) => r.detail || r.unavailable);
  if (notes.length > 0) {
    out.push('', 'notes:');
    for (const r of notes) {
      if (r.unavailable) out.push(`  ${r.name}: not available: ${r.unavailable}`);
      if (r.detail) out.push(`  ${r.name}: ${r.detail}`);
    }
  }
  const failed = report.rows.filter((r) => r.error);
  if (failed.length > 0) out.push('', 'failed:', ...failed.map((r) => `  ${r.name}: ${r.error}`));
  return out.join('\n');
}

/** The 1-minute load average now. */
export function load1(): number {
  return loadavg()[0] ?? 0;
}

/** Writes the run, with ratios, as JSON. */
export function writeJson(path: string, report: ClusterReport): void {
  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model.trim(), memGiB: totalmem() / 2 ** 30, node: process.version };
  const rows = report.rows.map((r) => ({ ...r, ratio: r.ours !== undefined && r.baseline ? r.ours / r.baseline : undefined }));
  writeFileSync(path, `${JSON.stringify({ suite: 'cluster', date: new Date().toISOString(), machine, ...report, rows }, null, 2)}\n`);
}
