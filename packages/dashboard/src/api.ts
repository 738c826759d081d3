/**
 * The dashboard's HTTP client of the state API, relative to the page (so it works behind
 * any host and port the node serves on).
 */
import type {
  ActorRow, ActorSummary, JobRow, ListResult, LogChunk, LogFile, MemorySummary, NodeRow, ObjectRow, PlacementGroupRow, TaskRow, TaskSummary,
} from './api-types.js';

/** Kinds of `/api/v0/<kind>` and their rows. */
export interface Kinds {
  tasks: TaskRow;
  actors: ActorRow;
  objects: ObjectRow;
  nodes: NodeRow;
  jobs: JobRow;
  placement_groups: PlacementGroupRow;
}

/** An endpoint answered with an error status or not at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly path: string, readonly status: number, message: string) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(path, 0, `cannot reach the node: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ApiError(path, res.status, body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

/** Options of {@link list}. */
export interface ListQuery {
  /** `key=value` or `key!=value` predicates, all of which must hold. */
  filters?: string[];
  /** @default 100 (the server's) */
  limit?: number;
  /** @default false */
  detail?: boolean;
}

/** `GET /api/v0/<kind>`. */
export function list<K extends keyof Kinds>(kind: K, q: ListQuery = {}, signal?: AbortSignal): Promise<ListResult<Kinds[K]>> {
  const p = new URLSearchParams();
  for (const f of q.filters ?? []) p.append('filter', f);
  if (q.limit !== undefined) p.set('limit', String(q.limit));
  if (q.detail) p.set('detail', '1');
  const qs = p.toString();
  return getJson(`/api/v0/${kind}${qs ? `?${qs}` : ''}`, signal);
}

/** `GET /api/v0/summary/tasks`. */
export async function taskSummary(signal?: AbortSignal): Promise<TaskSummary> {
  return (await getJson<{ summary: TaskSummary }>('/api/v0/summary/tasks', signal)).summary;
}

/** `GET /api/v0/summary/actors`. */
export async function actorSummary(signal?: AbortSignal): Promise<ActorSummary> {
  return (await getJson<{ summary: ActorSummary }>('/api/v0/summary/actors', signal)).summary;
}

/** `GET /api/v0/summary/objects`. */
export async function objectSummary(signal?: AbortSignal): Promise<MemorySummary> {
  return (await getJson<{ summary: MemorySummary }>('/api/v0/summary/objects', signal)).summary;
}

/** `GET /api/v0/logs`: the worker log files of every node. */
export async function logFiles(signal?: AbortSignal): Promise<LogFile[]> {
  return (await getJson<{ files: LogFile[] }>('/api/v0/logs', signal)).files;
}

/** `GET /api/v0/logs/<nodeId>/<pid>`: a worker's log from `offset`; null when the node has no such log. */
export async function readWorkerLog(nodeId: string, pid: number, stream: 'stdout' | 'stderr', offset: number, signal?: AbortSignal): Promise<LogChunk | null> {
  const q = new URLSearchParams({ stream, offset: String(offset) });
  return (await getJson<{ chunk: LogChunk | null }>(`/api/v0/logs/${encodeURIComponent(nodeId)}/${pid}?${q}`, signal)).chunk;
}

/** `GET /api/v0/jobs/<submissionId>/logs`: a submitted job's driver log from `offset`. */
export async function readJobLog(submissionId: string, offset: number, signal?: AbortSignal): Promise<LogChunk> {
  return (await getJson<{ chunk: LogChunk }>(`/api/v0/jobs/${encodeURIComponent(submissionId)}/logs?offset=${offset}`, signal)).chunk;
}
