/**
 * Writing a dataset with a {@link Datasink}: the sink prepares the destination, write
 * tasks (fused with the map stages before them) write temporary files, and the sink
 * commits them only when every task succeeded. On any failure, the running tasks are
 * waited for and the sink aborts (removes what they wrote): nothing is half-written.
 */
import { DataContext } from './context.js';
import type { DatasetBase } from './dataset-base.js';
import { DatasetWriteError } from './errors.js';
import { compile } from './execution/compile.js';
import { minRowsOf, type ExecNode } from './execution/exec-plan.js';
import type { WriteOperator } from './execution/physical/zip-write-operators.js';
import { StreamingExecutor } from './execution/streaming-executor.js';
import type { Datasink } from './io/datasource.js';
import { optimize } from './logical/optimizer.js';
import { checkKeys, intAtLeast } from './options.js';

/** Options of writes. */
export interface WriteOptions {
  /** Rows a write task collects before writing (fewer, larger files). @default 1: one file per block */
  minRowsPerFile?: number;
}

/** Runs the dataset into the sink; commits on success, aborts and throws {@link DatasetWriteError} on failure. */
export async function writeDataset(ds: DatasetBase, sink: Datasink, options: WriteOptions = {}): Promise<void> {
  checkKeys('write options', options, ['minRowsPerFile']);
  const minRowsPerFile = options.minRowsPerFile == null ? 1 : intAtLeast('write options.minRowsPerFile', options.minRowsPerFile, 1);
  const ctx = DataContext.getCurrent().snapshot();
  const plan = await compile(optimize(ds.plan), ctx);
  const desc = { name: sink.name, kind: sink.kind, params: sink.params };
  let node: ExecNode;
  if (plan.op === 'map' && plan.compute.kind === 'tasks') {
    node = { op: 'write', name: `${plan.name}->${sink.name}`, input: plan.input, stages: plan.stages, sink: desc, resources: plan.resources, minRows: Math.max(minRowsPerFile, minRowsOf(plan.stages)) };
  } else {
    node = { op: 'write', name: sink.name, input: plan, stages: [], sink: desc, resources: { numCpus: 1, numGpus: 0 }, minRows: minRowsPerFile };
  }
  await sink.start();
  const executor = new StreamingExecutor(node, ctx);
  ds.statsHolder.last = executor;
  const op = executor.root as WriteOperator;
  try {
    for await (const b of executor.iterate()) if (b.owned) b.ref.release();
  } catch (err) {
    await op.settle();
    try {
      await sink.abort(op.results);
    } catch (abortErr) {
      throw new DatasetWriteError(sink.name, new AggregateError([err, abortErr], `the write failed and cleaning up failed too: ${(abortErr as Error)?.message}`));
    }
    throw new DatasetWriteError(sink.name, err);
  }
  try {
    await sink.commit(op.results);
  } catch (err) {
    await sink.abort(op.results).catch(() => undefined);
    throw new DatasetWriteError(sink.name, err);
  }
}
