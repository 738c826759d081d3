/**
 * getRuntimeContext(): who and where the calling code is (job, node, task, actor).
 */
import { requireState } from './state.js';

/** What the calling code can learn about where it runs. */
export interface RuntimeContext {
  /** Id of the job (driver). */
  readonly jobId: string;
  /** Id of the node the code runs on. */
  readonly nodeId: string;
  /** Namespace of the job. */
  readonly namespace: string;
  /** Id of this process (the driver's or a worker's). */
  readonly workerId: string;
  /** Id of the running task, inside a task or actor call. */
  readonly taskId?: string;
  /** Name of the running task. */
  readonly taskName?: string;
  /** Id of the actor, inside an actor. */
  readonly actorId?: string;
  /** True when this actor was restarted after its process died. */
  readonly wasCurrentActorRestarted: boolean;
  /** Aborted when the running task is cancelled: long tasks should watch it. */
  readonly signal?: AbortSignal;
  /** Attempt number of the running task (0 on the first run). */
  readonly attempt: number;
  /** GPU ids assigned to the running task or actor (also in CUDA_VISIBLE_DEVICES). */
  getGpuIds(): number[];
  /** Resources the running actor holds. */
  getAssignedResources(): Record<string, number>;
}

/** Describes where the calling code runs. */
export function getRuntimeContext(): RuntimeContext {
  const st = requireState('getRuntimeContext()');
  const task = st.core.taskContext.getStore();
  return {
    jobId: st.jobId,
    nodeId: st.core.client.nodeId,
    namespace: st.core.currentNamespace(),
    workerId: st.workerId,
    taskId: task?.taskId,
    taskName: task?.name,
    actorId: st.actor?.actorId ?? task?.actorId,
    wasCurrentActorRestarted: st.actor?.restarted ?? false,
    signal: task?.signal,
    attempt: task?.attempt ?? 0,
    getGpuIds: () => task?.gpuIds ?? [],
    getAssignedResources: () => ({ ...(st.actor?.resources ?? {}) }),
  };
}
