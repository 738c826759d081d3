/**
 * Printing and saving the results: our figure, Ray's published figure and the ratio
 * for each benchmark, then the piscina peer beside our task figures.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import type { Reference } from './reference.js';
import type { Measurement, TimingOptions } from './timeit.js';
import { PEER_OF } from './piscina-peer.js';
import { ZERO_COPY_TARGET_MS } from './object-benches.js';

/** What one benchmark gave. */
export interface BenchResult {
  /** The metric name. */
  name: string;
  /** The figure, when it ran to the end. */
  measurement?: Measurement;
  /** Why it has no figure (error or time budget exceeded). */
  error?: string;
  /** How this run differs from Ray's. */
  note?: string;
  /** Wall seconds it took, setup included. */
  seconds: number;
}

/** A whole run. */
export interface CoreReport {
  timing: TimingOptions;
  quick: boolean;
  nActors: number;
  results: BenchResult[];
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(2);
}

function ratio(ours: number | undefined, theirs: number | undefined): string {
  return ours === undefined || !theirs ? '-' : `${(ours / theirs).toFixed(2)}x`;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

/** The main table: one line per Ray benchmark. */
export function formatRayTable(report: CoreReport, ref: Reference): string {
  const widths = [46, 12, 10, 9, 10, 9];
  const lines = [row(['benchmark', 'ours', '± sd', 'unit', 'Ray', 'ours/Ray'], widths)];
  lines.push('-'.repeat(widths.reduce((a, b) => a + b + 2, -2)));
  for (const r of report.results) {
    if (r.name.startsWith('piscina_')) continue;
    const m = r.measurement;
    if (r.name === 'zero_copy_get_1gb') {
      const typical = m?.median ?? m?.mean;
      const verdict = typical === undefined ? '-' : typical < ZERO_COPY_TARGET_MS ? 'met' : 'MISSED';
      lines.push(row([r.name, typical === undefined ? 'ERROR' : fmt(typical), fmt(m?.sd), 'ms p50', `< ${ZERO_COPY_TARGET_MS}`, verdict], widths));
      continue;
    }
    const fig = ref.figures[r.name];
    lines.push(row([r.name, m ? fmt(m.mean) : 'ERROR', fmt(m?.sd), m?.unit ?? fig?.unit ?? 'ops/s', fmt(fig?.value), ratio(m?.mean, fig?.value)], widths));
  }
  return lines.join('\n');
}

/** The piscina table: the peer measured here, its reference figure, and our figure beside it. */
export function formatPeerTable(report: CoreReport, ref: Reference): string {
  const byName = new Map(report.results.map((r) => [r.name, r]));
  const peers = report.results.filter((r) => r.name.startsWith('piscina_'));
  const lines: string[] = [];
  if (peers.length > 0) {
    const widths = [22, 12, 8, 12, 27, 10, 13];
    lines.push(row(['piscina mode', 'piscina', '± sd', 'ref (2 vCPU)', 'ours (same run)', 'ours', 'ours/piscina'], widths));
    lines.push('-'.repeat(widths.reduce((a, b) => a + b + 2, -2)));
    for (const p of peers) {
      const peer = PEER_OF[p.name]!;
      const ours = byName.get(peer.ours)?.measurement?.mean;
      const theirs = p.measurement?.mean;
      lines.push(row([p.name.replace('piscina_', ''), theirs === undefined ? 'ERROR' : fmt(theirs), fmt(p.measurement?.sd), fmt(ref.piscina[peer.reference]), peer.ours, fmt(ours), ratio(ours, theirs)], widths));
    }
  }
  lines.push(`reference piscina tasks/s (2-vCPU Node 20 VM): ${Object.entries(ref.piscina).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  lines.push(`reference other Node peers: ${Object.entries(ref.otherPeers).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}`);
  return lines.join('\n');
}

/** Everything printed at the end of a run. */
export function formatReport(report: CoreReport, ref: Reference): string {
  const t = report.timing;
  const out = [
    '',
    `ray-ts core microbenchmarks (Ray's ray_perf.py)${report.quick ? ' -- QUICK: a smoke test, not a measurement' : ''}`,
    `this machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; nActors = ${report.nActors}`,
    `Ray's figures: ${ref.machine} (${ref.source})`,
    `timing: ${t.warmupSec} s warm-up, then the mean of ${t.rounds} rounds of ${t.roundSec} s (Ray: 1 s + 4 x 2 s)`,
    '',
    formatRayTable(report, ref),
    '',
    formatPeerTable(report, ref),
  ];
  const notes = report.results.filter((r) => r.note && r.measurement);
  if (notes.length > 0) out.push('', 'notes:', ...notes.map((r) => `  ${r.name}: ${r.note}${r.measurement?.detail ? `; ${r.measurement.detail}` : ''}`));
  const failed = report.results.filter((r) => r.error);
  if (failed.length > 0) out.push('', 'failed:', ...failed.map((r) => `  ${r.name}: ${r.error}`));
  return out.join('\n');
}

/** Writes the run, with Ray's figures and ratios, as JSON. */
export function writeJson(path: string, report: CoreReport, ref: Reference): void {
  const results = report.results.map((r) => {
    const reference = r.name === 'zero_copy_get_1gb' ? { targetMs: ZERO_COPY_TARGET_MS } : r.name.startsWith('piscina_')
      ? { piscina2vcpu: ref.piscina[PEER_OF[r.name]!.reference] }
      : { ray: ref.figures[r.name]?.value };
    const rayValue = 'ray' in reference ? reference.ray : undefined;
    return { ...r, ...reference, ratioToRay: r.measurement && rayValue ? r.measurement.mean / rayValue : undefined };
  });
  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model.trim(), memGiB: totalmem() / 2 ** 30, node: process.version };
  const doc = { suite: 'core', date: new Date().toISOString(), machine, rayMachine: ref.machine, ...report, results };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
}
