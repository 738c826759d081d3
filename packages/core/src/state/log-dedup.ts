/**
 * Log deduplication like Ray's: a line printed by several worker processes within a
 * window is shown once; when the window closes, the copies held back are summarised
 * as `<line> [repeated Nx across cluster]`. Lines repeated by one process alone are
 * all shown. `RAY_TS_DEDUP_LOGS=0` turns it off.
 */
import { config } from '../config.js';

/** Where printed text goes. */
export type LogOut = (text: string, stream: 'stdout' | 'stderr') => void;

interface Seen {
  first: number;
  count: number;
  sources: Set<string>;
  prefix: string;
  line: string;
  stream: 'stdout' | 'stderr';
}

/** True unless RAY_TS_DEDUP_LOGS is 0/false. */
export function dedupEnabled(): boolean {
  const v = process.env.RAY_TS_DEDUP_LOGS;
  return v === undefined || !/^(0|false|no)$/i.test(v);
}

/** Deduplicates prefixed worker lines before they are printed. */
export class LogDeduplicator {
  private readonly recent = new Map<string, Seen>();
  private timer?: NodeJS.Timeout;
  private hinted = false;

  constructor(
    private readonly out: LogOut,
    private readonly windowMs = config.logDedupWindowMs,
    readonly enabled = dedupEnabled(),
    private readonly now: () => number = Date.now,
  ) {}

  /** One line from `source` (a pid or node:pid), shown after `prefix` (`(fn pid=1)`). */
  push(prefix: string, line: string, source: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    if (!this.enabled || line.trim() === '') {
      this.out(`${prefix} ${line}\n`, stream);
      return;
    }
    this.expire();
    const key = `${stream}\u0000${line}`;
    const seen = this.recent.get(key);
    if (!seen) {
      this.recent.set(key, { first: this.now(), count: 0, sources: new Set([source]), prefix, line, stream });
      this.out(`${prefix} ${line}\n`, stream);
      this.arm();
      return;
    }
    seen.sources.add(source);
    if (seen.sources.size > 1) {
      seen.count++;
      seen.prefix = prefix;
      if (!this.hinted) {
        this.hinted = true;
        this.out('[ray-ts] identical log lines from several workers are shown once; set RAY_TS_DEDUP_LOGS=0 to see them all.\n', 'stderr');
      }
    } else this.out(`${prefix} ${line}\n`, stream);
  }

  /** Prints the summaries of windows that closed (all of them with `all`). */
  expire(all = false): void {
    const now = this.now();
    for (const [k, s] of this.recent) {
      if (!all && now - s.first < this.windowMs) continue;
      this.recent.delete(k);
      if (s.count === 1) this.out(`${s.prefix} ${s.line}\n`, s.stream);
      else if (s.count > 1) this.out(`${s.prefix} ${s.line} [repeated ${s.count}x across cluster]\n`, s.stream);
    }
    if (this.recent.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Prints what is held back and stops the timer. */
  close(): void {
    this.expire(true);
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.expire(), Math.max(50, this.windowMs / 2));
    this.timer.unref();
  }
}
