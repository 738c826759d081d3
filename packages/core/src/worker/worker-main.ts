/**
 * Entry point of a worker process: connects to the node, then runs what it is sent.
 * Plain tasks run one after another; an actor's calls run in arrival order, up to its
 * maxConcurrency at once.
 */
import { SocketClient } from '../runtime/socket-client.js';
import { CoreWorker } from '../runtime/core-worker.js';
import { setState, currentState } from '../api/state.js';
import type { ActorSpec, WireObject } from '../transport/protocol.js';
import { TaskExecutor, type ExecMessage } from './task-executor.js';
import '../api/actor.js'; // registers the actor-handle serializer
import { preloadArrow } from '../serialization/index.js';

const workerId = process.env.RAY_TS_WORKER_ID!;
const socketPath = process.env.RAY_TS_NODE_SOCKET!;
const namespace = process.env.RAY_TS_NAMESPACE ?? 'default';

let executor: TaskExecutor;
let chain: Promise<void> = Promise.resolve();
/** Plain tasks sent ahead (pipelined) and not started yet. */
const taskQueue: ExecMessage[] = [];
let taskRunning = false;

async function runTasks(): Promise<void> {
  if (taskRunning) return;
  taskRunning = true;
  while (taskQueue.length) await executor.run(taskQueue.shift()!);
  taskRunning = false;
}
let running = 0;
let maxConcurrency = 1;
const waiting: ExecMessage[] = [];

const early: Array<Record<string, any> & { t: string }> = [];

function onMessage(m: Record<string, any> & { t: string }): void {
  if (!executor) {
    early.push(m);
    return;
  }
  switch (m.t) {
    case 'exec':
      if (executor.actor) {
        waiting.push(m as unknown as ExecMessage);
        pump();
      } else {
        taskQueue.push(m as unknown as ExecMessage);
        void runTasks();
      }
      return;
    case 'actorInit': {
      const spec = m.spec as ActorSpec;
      maxConcurrency = spec.maxConcurrency;
      const st = currentState()!;
      st.actor = { actorId: spec.actorId, restarted: !!m.restarted, resources: spec.resources };
      chain = chain.then(() => executor.initActor(spec, m.args as WireObject[], (m.gpuIds as number[]) ?? []).then(pump));
      return;
    }
    case 'cancel':
      executor.cancel(m.taskId as string);
      return;
    case 'genAck':
      executor.ack(m.taskId as string, m.consumed as number);
      return;
    default:
      console.error(`[ray-ts] worker: unknown message '${m.t}'`);
  }
}

function pump(): void {
  if (!executor.actor) return;
  while (running < maxConcurrency && waiting.length) {
    const msg = waiting.shift()!;
    running++;
    void executor.run(msg).finally(() => {
      running--;
      pump();
    });
  }
}

// A worker whose node is gone has nobody to write to: a broken stdout/stderr pipe ends it
// (logging that error would fail again, forever).
const exitOnBrokenPipe = (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(0);
};
process.stdout.on('error', exitOnBrokenPipe);
process.stderr.on('error', exitOnBrokenPipe);
process.on('uncaughtException', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  console.error('[ray-ts] worker: uncaught exception (outside any task promise):', err);
});
process.on('unhandledRejection', (err) => {
  console.error('[ray-ts] worker: unhandled rejection:', err);
});

// A worker outlives its node only by accident (the node was SIGKILLed): stop when orphaned.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(0);
}, 1000).unref();

await preloadArrow();
const client = await SocketClient.connect(socketPath, workerId, 'worker', onMessage, process.env.RAY_TS_CLUSTER_TOKEN);
client.connection.onClose(() => process.exit(0));
const core = new CoreWorker(client, 'worker', namespace, process.env.RAY_TS_JOB_ID ?? 'job');
setState({ core, namespace, jobId: core.jobId, workerId });
executor = new TaskExecutor(core, client);
// A task about to block in get/wait hands the tasks queued behind it back to the node,
// so they can run elsewhere (one of them may be what it waits for).
core.onBlock = () => {
  if (taskQueue.length === 0) return;
  const ids = taskQueue.splice(0).map((m) => m.spec.taskId);
  client.send({ t: 'unqueue', taskIds: ids });
};
for (const m of early.splice(0)) onMessage(m);
