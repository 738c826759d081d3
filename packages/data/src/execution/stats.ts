/**
 * Execution statistics per operator (what `Dataset.stats()` prints): tasks, output
 * blocks, rows and bytes, wall time and the time tasks spent computing.
 */

/** Statistics of one operator of one execution. */
export interface OperatorStats {
  /** Operator name as in `explain()`, e.g. `ReadRange->Map(f)`. */
  name: string;
  /** Tasks (or actor calls) launched. */
  tasks: number;
  /** Output blocks. */
  blocks: number;
  /** Output rows. */
  rows: number;
  /** Output bytes. */
  bytes: number;
  /** Milliseconds from the operator's first task to its last output. */
  wallMs: number;
  /** Milliseconds its tasks spent computing (summed over tasks). */
  taskMs: number;
}

/** Statistics of one execution of a dataset. */
export interface DatasetStats {
  /** Operators in execution order (sources first). */
  operators: OperatorStats[];
  /** Milliseconds of the whole execution. */
  totalMs: number;
}

/** Records one operator's statistics while it runs. */
export class StatsRecorder {
  readonly stats: OperatorStats;
  private started = 0;

  constructor(name: string) {
    this.stats = { name, tasks: 0, blocks: 0, rows: 0, bytes: 0, wallMs: 0, taskMs: 0 };
  }

  /** A task was launched. */
  taskStarted(): void {
    if (!this.started) this.started = performance.now();
    this.stats.tasks++;
  }

  /** A block was output. */
  output(meta: { numRows: number; sizeBytes: number; execMs?: number }): void {
    if (!this.started) this.started = performance.now();
    this.stats.blocks++;
    this.stats.rows += meta.numRows;
    this.stats.bytes += meta.sizeBytes;
    this.stats.taskMs += meta.execMs ?? 0;
    this.stats.wallMs = performance.now() - this.started;
  }

  /** Extra task time (tasks that return no blocks). */
  addTaskMs(ms: number): void {
    this.stats.taskMs += ms;
    if (this.started) this.stats.wallMs = performance.now() - this.started;
  }
}

function fmtBytes(n: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}

/** Statistics as text, one paragraph per operator (like Ray's `ds.stats()`). */
export function formatStats(s: DatasetStats): string {
  const lines: string[] = [];
  s.operators.forEach((o, i) => {
    lines.push(`Operator ${i + 1} ${o.name}: ${o.tasks} tasks executed, ${o.blocks} blocks produced in ${(o.wallMs / 1000).toFixed(2)}s`);
    lines.push(`* Output rows: ${o.rows} total, ${o.blocks ? Math.round(o.rows / o.blocks) : 0} per block`);
    lines.push(`* Output size: ${fmtBytes(o.bytes)} total, ${fmtBytes(o.blocks ? o.bytes / o.blocks : 0)} per block`);
    lines.push(`* Task time: ${(o.taskMs / 1000).toFixed(2)}s total`);
    lines.push('');
  });
  lines.push(`Dataset executed in ${(s.totalMs / 1000).toFixed(2)}s`);
  return lines.join('\n');
}
