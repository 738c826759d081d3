/**
 * A progress bar per operator (cli-progress) while a dataset runs, on a terminal only:
 * silent when stderr is not a TTY or `DataContext.enableProgressBars` is false.
 */
import cliProgress from 'cli-progress';
import type { DataContextSnapshot } from '../context.js';
import type { PhysicalOperator } from './physical/operator.js';

/** Shows the rows each operator has output. */
export class ProgressReporter {
  private last = 0;
  private closed = false;

  private constructor(
    private readonly multi: cliProgress.MultiBar,
    private readonly bars: { op: PhysicalOperator; bar: cliProgress.SingleBar }[],
  ) {}

  /** A reporter, or undefined when progress bars are off or stderr is not a terminal. */
  static create(ctx: DataContextSnapshot, ops: readonly PhysicalOperator[]): ProgressReporter | undefined {
    if (!ctx.enableProgressBars || !process.stderr.isTTY) return undefined;
    const multi = new cliProgress.MultiBar(
      {
        format: '{name} | {value} rows, {blocks} blocks, {tasks} tasks{active}',
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        stream: process.stderr,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.min(48, Math.max(...ops.map((o) => o.name.length)));
    const bars = ops.map((op) => ({
      op,
      bar: multi.create(0, 0, { name: op.name.slice(0, width).padEnd(width), blocks: 0, tasks: 0, active: '' }),
    }));
    return new ProgressReporter(multi, bars);
  }

  /** Refreshes the bars (at most every 100 ms). */
  update(force = false): void {
    const now = performance.now();
    if (this.closed || (!force && now - this.last < 100)) return;
    this.last = now;
    for (const { op, bar } of this.bars) {
      const s = op.recorder.stats;
      const active = op.activeTasks();
      bar.setTotal(Math.max(s.rows, 1));
      bar.update(s.rows, { blocks: s.blocks, tasks: s.tasks, active: active ? `, ${active} running` : '' });
    }
  }

  /** Final refresh, then stops drawing. */
  close(): void {
    if (this.closed) return;
    this.update(true);
    this.closed = true;
    this.multi.stop();
  }
}
