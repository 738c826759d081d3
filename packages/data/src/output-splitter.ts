/**
 * Which block goes to which consumer of a `streamingSplit(n)`, as plain bookkeeping (Ray's
 * `OutputSplitter`). Without `equal`, a block goes to the consumer that asked for it.
 * With `equal`, blocks wait in a buffer and go to the consumer that has received the
 * fewest rows, but only while the rows still buffered could even the counts out again;
 * at the end the buffer is cut so every consumer has the same number of rows, and the
 * `total % n` rows left over are dropped.
 */

/** A block and its row count. */
export interface Piece<T> {
  readonly item: T;
  readonly rows: number;
}

/** Rows `[start, end)` of a block going to consumer `split` (the whole block when `start` is 0 and `end` its rows). */
export interface Cut<T> {
  readonly split: number;
  readonly item: T;
  readonly start: number;
  readonly end: number;
}

/** The dispatch state of one epoch. */
export class OutputSplitter<T> {
  /** Blocks handed to each consumer, not yet taken. */
  readonly queues: Piece<T>[][];
  /** Rows handed to each consumer so far. */
  readonly rowsOut: number[];
  private buffer: Piece<T>[] = [];

  constructor(readonly n: number, readonly equal: boolean) {
    this.queues = Array.from({ length: n }, () => []);
    this.rowsOut = new Array<number>(n).fill(0);
  }

  /** A block from the execution, pulled on behalf of consumer `requester`. */
  add(piece: Piece<T>, requester: number): void {
    if (!this.equal) {
      this.give(requester, piece);
      return;
    }
    this.buffer.push(piece);
    this.dispatch();
  }

  private give(split: number, piece: Piece<T>): void {
    this.queues[split]!.push(piece);
    this.rowsOut[split]! += piece.rows;
  }

  /** Rows the buffer must hold to bring every consumer up to the largest count. */
  private static shortfall(rows: readonly number[]): number {
    const max = Math.max(...rows);
    return rows.reduce((s, r) => s + max - r, 0);
  }

  private dispatch(): void {
    while (this.buffer.length > 0) {
      const target = this.rowsOut.indexOf(Math.min(...this.rowsOut));
      const piece = this.buffer[0]!;
      const after = this.rowsOut.slice();
      after[target]! += piece.rows;
      const left = this.buffer.reduce((s, p) => s + p.rows, 0) - piece.rows;
      if (left < OutputSplitter.shortfall(after)) return;
      this.buffer.shift();
      this.give(target, piece);
    }
  }

  /**
   * The execution is done: cuts of the buffered blocks that even the consumers out (each
   * also gets an equal share of the rest), and the blocks (or parts) left over, dropped.
   */
  finish(): { cuts: Cut<T>[]; dropped: T[] } {
    const buffered = this.buffer;
    this.buffer = [];
    if (!this.equal) {
      // Nothing is buffered without `equal`.
      return { cuts: [], dropped: buffered.map((p) => p.item) };
    }
    const total = buffered.reduce((s, p) => s + p.rows, 0);
    const max = Math.max(...this.rowsOut);
    const even = this.rowsOut.map((r) => max - r);
    const extra = Math.floor((total - even.reduce((s, x) => s + x, 0)) / this.n);
    const want = even.map((x) => x + extra);
    const cuts: Cut<T>[] = [];
    const used = new Set<T>();
    let b = 0;
    let at = 0;
    for (let split = 0; split < this.n; split++) {
      let need = want[split]!;
      while (need > 0) {
        const p = buffered[b]!;
        const take = Math.min(need, p.rows - at);
        cuts.push({ split, item: p.item, start: at, end: at + take });
        used.add(p.item);
        this.rowsOut[split]! += take;
        need -= take;
        at += take;
        if (at === p.rows) {
          b++;
          at = 0;
        }
      }
    }
    return { cuts, dropped: buffered.filter((p) => !used.has(p.item)).map((p) => p.item) };
  }
}
