/**
 * The state API namespace exported from core as `state` (Ray's `ray.util.state`).
 */
export {
  listTasks, listActors, listObjects, listNodes, listJobs, listPlacementGroups, listWorkers, listWithTotal, getTask, summarizeTasks, summarizeActors,
  memorySummary, timeline, listLogs, getLog, StateApiError,
} from './state-api.js';
export type * from './state-api.js';
