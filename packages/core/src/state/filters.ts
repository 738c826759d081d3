/**
 * Validation and application of state-API list options: filters (`[key, op, value]`),
 * limit, and the columns shown without `detail`. Used by the client (to throw at the
 * call site) and by the node answering (the same rules for HTTP and socket queries).
 */
import type { FilterOp, ListOptions, ListResult, StateFilter, StateKind } from './state-types.js';
import { STATE_KINDS } from './state-types.js';

/** Every field of a kind (valid filter keys), main columns first. */
export const STATE_FIELDS: Readonly<Record<StateKind, readonly string[]>> = {
  tasks: ['taskId', 'name', 'state', 'type', 'funcOrClassName', 'actorId', 'nodeId', 'workerId', 'workerPid', 'errorType',
    'parentTaskId', 'attempt', 'errorMessage', 'requiredResources', 'events', 'creationTimeMs', 'startTimeMs', 'endTimeMs'],
  actors: ['actorId', 'className', 'name', 'state', 'numRestarts', 'nodeId', 'pid', 'namespace', 'workerId', 'deathReason', 'requiredResources', 'detached'],
  objects: ['objectId', 'objectSize', 'state', 'location', 'referenceCount', 'nodeId', 'callSite', 'taskId', 'isError'],
  nodes: ['nodeId', 'address', 'state', 'isHead', 'resourcesTotal', 'resourcesAvailable', 'metricsAddress', 'labels', 'startTimeMs'],
  jobs: ['jobId', 'type', 'status', 'entrypoint', 'driverPid', 'startTimeMs', 'endTimeMs', 'message'],
  placementGroups: ['placementGroupId', 'name', 'state', 'strategy', 'bundles', 'nodes', 'namespace', 'detached'],
  workers: ['workerId', 'pid', 'nodeId', 'state', 'actorId', 'isAlive'],
};

/** Columns shown without `detail`. */
const MAIN_COLUMNS: Readonly<Record<StateKind, number>> = { tasks: 10, actors: 7, objects: 7, nodes: 7, jobs: 5, placementGroups: 5, workers: 6 };

const OPS: ReadonlySet<FilterOp> = new Set(['=', '!=']);
const LIST_KEYS = new Set(['filters', 'limit', 'detail', 'address', 'token', 'timeout']);

/** Default of `limit`. */
export const DEFAULT_LIMIT = 100;

/** Checks a kind name. */
export function checkKind(kind: unknown): StateKind {
  if (typeof kind !== 'string' || !(STATE_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`state kind must be one of ${STATE_KINDS.join(', ')}, got '${String(kind)}'`);
  }
  return kind as StateKind;
}

/** Checks list options; throws TypeError/RangeError naming the bad field, key or operator. */
export function checkListOptions(kind: StateKind, where: string, o: ListOptions = {}): Required<Pick<ListOptions, 'filters' | 'limit' | 'detail'>> {
  if (typeof o !== 'object' || o === null) throw new TypeError(`${where} options must be an object`);
  for (const k of Object.keys(o)) if (!LIST_KEYS.has(k)) throw new TypeError(`${where} options.${k} is not an option (expected one of ${[...LIST_KEYS].join(', ')})`);
  const limit = o.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${where} options.limit must be a positive integer, got ${String(o.limit)}`);
  const filters = o.filters ?? [];
  if (!Array.isArray(filters)) throw new TypeError(`${where} options.filters must be an array of [key, op, value]`);
  const fields = STATE_FIELDS[kind];
  filters.forEach((f, i) => {
    if (!Array.isArray(f) || f.length !== 3) throw new TypeError(`${where} options.filters[${i}] must be [key, op, value]`);
    const [key, op, value] = f;
    if (!fields.includes(key)) throw new TypeError(`${where} options.filters[${i}]: '${String(key)}' is not a field of ${kind} (one of ${fields.join(', ')})`);
    if (!OPS.has(op)) throw new TypeError(`${where} options.filters[${i}]: operator '${String(op)}' is not supported (use '=' or '!=')`);
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new TypeError(`${where} options.filters[${i}]: value must be a string, number or boolean`);
  });
  return { filters: filters as StateFilter[], limit, detail: !!o.detail };
}

/** Parses a CLI filter `key=value` or `key!=value`. */
export function parseFilter(text: string): StateFilter {
  const m = /^([A-Za-z_]+)\s*(!=|=)\s*(.*)$/.exec(text.trim());
  if (!m) throw new TypeError(`--filter must look like key=value or key!=value, got '${text}'`);
  return [m[1]!, m[2] as FilterOp, m[3]!];
}

function matches(row: Record<string, unknown>, [key, op, value]: StateFilter): boolean {
  const v = row[key];
  const same = v !== undefined && v !== null && String(v).toLowerCase() === String(value).toLowerCase();
  return op === '=' ? same : !same;
}

/** Only the main columns of a row. */
export function mainColumns<T extends object>(kind: StateKind, row: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of STATE_FIELDS[kind].slice(0, MAIN_COLUMNS[kind])) if ((row as Record<string, unknown>)[k] !== undefined) out[k] = (row as Record<string, unknown>)[k];
  return out as Partial<T>;
}

/** Filters, limits and trims rows. */
export function applyList<T extends object>(kind: StateKind, rows: T[], o: { filters: readonly StateFilter[]; limit: number; detail: boolean }, partialFailures: string[] = []): ListResult<T> {
  const hit = rows.filter((r) => o.filters.every((f) => matches(r as Record<string, unknown>, f)));
  const page = hit.slice(0, o.limit);
  return { rows: o.detail ? page : (page.map((r) => mainColumns(kind, r)) as T[]), total: hit.length, partialFailures };
}
