/**
 * The driver's side of worker output: the node it is attached to streams the lines of
 * this job's workers (its own, and those other nodes of the cluster relay to it, see
 * LogRelay); they are printed with their prefix, deduplicated across the cluster.
 */
import { LogDeduplicator } from '../state/log-dedup.js';

let logDedup: LogDeduplicator | undefined;

/** Prints a `log` (one line) or `logs` (a batch) message from the node; ignores other messages. */
export function printWorkerLog(m: Record<string, any> & { t: string }): void {
  if (m.t !== 'log' && m.t !== 'logs') return;
  logDedup ??= new LogDeduplicator((text, stream) => (stream === 'stderr' ? process.stderr : process.stdout).write(text));
  for (const l of m.t === 'log' ? [m] : (m.lines as Array<Record<string, unknown>>)) {
    logDedup.push(String(l.prefix), String(l.line), `${String(l.nodeId)}:${String(l.pid)}`, l.stream === 'stderr' ? 'stderr' : 'stdout');
  }
}

/** Prints the lines deduplication holds back (their `[repeated Nx across cluster]` summaries). */
export function flushWorkerLogs(): void {
  logDedup?.close();
}

/** Checks init()'s `logToDriver`. */
export function checkLogToDriver(v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`init() options.logToDriver must be true or false, got ${typeof v}`);
}
