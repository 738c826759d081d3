/**
 * `range(n)`: a datasource of the integers `0..n-1` in an `id` column (Int32, or
 * Float64 beyond 2^31). Its reader is registered here, at module top level, so workers
 * that import the data package can run its read tasks.
 */
import { Table, makeVector } from 'apache-arrow';
import { registerReader, type Datasource, type ReadOptions, type ReadTask } from '../io/datasource.js';

const INT32_MAX = 2 ** 31 - 1;

async function* readRange(params: Record<string, unknown>, options: ReadOptions): AsyncGenerator<Table> {
  const start = params.start as number;
  let end = params.end as number;
  if (options.limit !== undefined) end = Math.min(end, start + options.limit);
  const step = Math.max(1, options.blockRows ?? 65536);
  const wide = (params.total as number) > INT32_MAX;
  for (let lo = start; lo < end; lo += step) {
    const hi = Math.min(end, lo + step);
    const ids = wide ? new Float64Array(hi - lo) : new Int32Array(hi - lo);
    for (let i = 0; i < ids.length; i++) ids[i] = lo + i;
    if (options.columns && !options.columns.includes('id')) yield new Table({});
    else yield new Table({ id: makeVector(ids) });
  }
}

registerReader('range', readRange);

/** A datasource of `n` rows `{ id: 0 }, { id: 1 }, ...`. */
export class RangeDatasource implements Datasource {
  readonly name = 'ReadRange';
  constructor(readonly n: number) {}

  /** Splits `0..n-1` into about `parallelism` contiguous ranges. */
  async plan(parallelism: number): Promise<ReadTask[]> {
    const k = Math.max(1, Math.min(parallelism, this.n));
    const tasks: ReadTask[] = [];
    for (let i = 0; i < k; i++) {
      const start = Math.floor((this.n * i) / k);
      const end = Math.floor((this.n * (i + 1)) / k);
      if (end > start || this.n === 0) {
        tasks.push({ kind: 'range', params: { start, end, total: this.n }, paths: [], estimatedRows: end - start, estimatedBytes: (end - start) * 4 });
      }
    }
    return tasks;
  }
}
