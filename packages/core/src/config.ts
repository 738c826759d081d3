/**
 * System settings: one table, each overridable by a `RAY_TS_<NAME>` environment
 * variable (like Ray's `ray_config_def.h` and `RAY_<name>`). Read once at load.
 */

function envNumber(name: string, dflt: number): number {
  const raw = process.env[`RAY_TS_${name}`];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new TypeError(`RAY_TS_${name} must be a number, got '${raw}'`);
  return n;
}

/** The settings in force. */
export const config = Object.freeze({
  /** Values whose serialized size is at most this many bytes travel inline in messages; larger ones go to shared memory. */
  maxInlineBytes: envNumber('MAX_INLINE_BYTES', 100 * 1024),
  /** Default retries for tasks whose worker dies (Ray's default is 3). */
  defaultMaxRetries: envNumber('DEFAULT_MAX_RETRIES', 3),
  /** Idle workers beyond the CPU count are stopped after this many ms. */
  idleWorkerTimeoutMs: envNumber('IDLE_WORKER_TIMEOUT_MS', 10_000),
  /** Workers started when the node starts (defaults to the CPU count when negative). */
  prestartWorkers: envNumber('PRESTART_WORKERS', -1),
  /** Most tasks sent ahead to one leased worker when tasks are short. */
  maxTasksInFlightPerWorker: envNumber('MAX_TASKS_IN_FLIGHT_PER_WORKER', 8),
  /** Tasks shorter than this (ms, moving average) are pipelined to a leased worker. */
  pipelineBelowMs: envNumber('PIPELINE_BELOW_MS', 1),
  /** Fraction of system memory used for the object store when init() gives no objectStoreMemory. */
  objectStoreMemoryFraction: envNumber('OBJECT_STORE_MEMORY_FRACTION', 0.3),
  /** Threads used to copy large values into shared memory. */
  copyThreads: envNumber('COPY_THREADS', 2),
  /** Largest message (bytes) a connection accepts before it is closed as malformed. */
  maxMessageBytes: envNumber('MAX_MESSAGE_BYTES', 512 * 1024 * 1024),
  /** Grace period (ms) between SIGTERM and SIGKILL when stopping workers. */
  workerKillGraceMs: envNumber('WORKER_KILL_GRACE_MS', 1000),
  /** How often (ms) a node reports its resources to the head, and the head pushes the cluster view. */
  heartbeatMs: envNumber('HEARTBEAT_MS', 250),
  /** A node not heard from for this long (ms) is declared dead. */
  nodeTimeoutMs: envNumber('NODE_TIMEOUT_MS', 5000),
  /** How long (ms) a node keeps trying to rejoin a head that went away before it stops. */
  headReconnectTimeoutMs: envNumber('HEAD_RECONNECT_TIMEOUT_MS', 60_000),
  /** Bytes per read/write chunk when an object moves between nodes. */
  transferChunkBytes: envNumber('TRANSFER_CHUNK_BYTES', 8 * 1024 * 1024),
  /** Finished tasks each node keeps for the state API and the timeline (Ray's task events buffer); older ones are dropped. */
  taskEventsMaxFinished: envNumber('TASK_EVENTS_MAX_FINISHED', 10_000),
  /** Window (ms) in which identical worker log lines from several processes are printed once (`RAY_TS_DEDUP_LOGS=0` turns dedup off). */
  logDedupWindowMs: envNumber('LOG_DEDUP_WINDOW_MS', 5000),
  /** How often (ms) a node sends the worker lines it buffered for drivers attached to other nodes, in one message per node. */
  logRelayBatchMs: envNumber('LOG_RELAY_BATCH_MS', 100),
  /** Most worker lines in one relayed message (a larger backlog goes in several). */
  logRelayMaxBatchLines: envNumber('LOG_RELAY_MAX_BATCH_LINES', 1000),
  /** Most worker lines (and bytes, 1 KiB a line) a node buffers for another node; beyond it lines are dropped and counted. */
  logRelayMaxBufferedLines: envNumber('LOG_RELAY_MAX_BUFFERED_LINES', 10_000),
});

/** Type of {@link config}. */
export type RayConfig = typeof config;
