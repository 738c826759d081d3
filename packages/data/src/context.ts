/**
 * DataContext: the settings of dataset execution in this process, like Ray's
 * `DataContext.get_current()`. Change fields before running a dataset; each execution
 * takes a frozen snapshot of them.
 */

/** Limits and policies of the streaming executor. */
export interface ExecutionOptions {
  /**
   * Bytes of blocks the executor keeps in the object store at once (queued between
   * operators plus the expected output of running tasks); operators stop launching tasks
   * above it.
   * @default a quarter of the cluster's object store (`clusterResources().objectStoreMemory`)
   */
  objectStoreMemoryLimit?: number;
  /** Blocks an operator may have waiting for its consumer before it stops launching tasks. @default 4 */
  maxQueuedBlocksPerOperator: number;
  /** Keep the order of rows through operators (deterministic output). @default true */
  preserveOrder: boolean;
  /** Calls in flight per actor of an actor pool. @default 2 */
  maxTasksInFlightPerActor: number;
}

/** Settings of dataset execution. */
export class DataContext {
  private static current: DataContext | undefined;

  /** Executor limits; see {@link ExecutionOptions}. */
  executionOptions: ExecutionOptions = {
    maxQueuedBlocksPerOperator: 4,
    preserveOrder: true,
    maxTasksInFlightPerActor: 2,
  };
  /** Show a progress bar per operator when stderr is a terminal. @default true */
  enableProgressBars = true;
  /** Read tasks (and blocks of fromItems) when a read gives no `overrideNumBlocks`; 0 means 4 per CPU. @default 0 */
  readParallelism = 0;
  /** Rows per batch for mapBatches when `batchSize` is not given. @default 1024 */
  defaultBatchSize = 1024;
  /** Target rows per block that readers yield (`ReadOptions.blockRows`). @default 65536 */
  targetBlockRows = 65536;
  /**
   * Bytes a task's output block holds at least before it is flushed at `targetBlockRows`
   * rows: blocks of small rows are coalesced (Ray's `target_min_block_size`), since every
   * block costs a put, a stream item and its bookkeeping in the driver whatever its size.
   * A block is always flushed at 64 MiB, and at the end of its task. @default 4 MiB
   */
  targetMinBlockBytes = 4 * 1024 * 1024;

  /** The context of this process (created on first use). */
  static getCurrent(): DataContext {
    DataContext.current ??= new DataContext();
    return DataContext.current;
  }

  /** A frozen plain copy, as sent with an execution to a worker or actor. */
  snapshot(): DataContextSnapshot {
    return Object.freeze({
      executionOptions: Object.freeze({ ...this.executionOptions }),
      enableProgressBars: this.enableProgressBars,
      readParallelism: this.readParallelism,
      defaultBatchSize: this.defaultBatchSize,
      targetBlockRows: this.targetBlockRows,
      targetMinBlockBytes: this.targetMinBlockBytes,
    });
  }
}

/** A frozen copy of a {@link DataContext}. */
export interface DataContextSnapshot {
  readonly executionOptions: Readonly<ExecutionOptions>;
  readonly enableProgressBars: boolean;
  readonly readParallelism: number;
  readonly defaultBatchSize: number;
  readonly targetBlockRows: number;
  readonly targetMinBlockBytes: number;
}
