/**
 * Options of dataset transforms and consumption, validated at the call site: a bad
 * field throws TypeError or RangeError naming it, synchronously.
 */
import { checkBatchFormat, type BatchFormat } from './block/batch-format.js';
import type { Compute, StageResources } from './logical/plan.js';

/** Options of map, flatMap and filter. */
export interface MapOptions {
  /** Extra arguments passed to the function after the row: `fn(row, ...fnArgs)`. @default [] */
  fnArgs?: unknown[];
  /** Constructor arguments when the function is a class (one instance per actor). @default [] */
  fnConstructorArgs?: unknown[];
  /**
   * For a function: the most tasks of this operator running at once. For a class: the
   * actor pool size, a number or `[min, max]` (the pool grows while input waits).
   * @default tasks: as many as fit the CPUs; class: 1 actor
   */
  concurrency?: number | [number, number];
  /** CPUs each task (or actor) holds. @default 1 for tasks, 0 for actors */
  numCpus?: number;
  /** GPUs each task (or actor) holds. @default 0 */
  numGpus?: number;
}

/** Options of mapBatches. */
export interface MapBatchesOptions extends MapOptions {
  /** Rows per batch; `null` for whole blocks. The last batch of a task may be smaller. @default 1024 (DataContext.defaultBatchSize) */
  batchSize?: number | null;
  /** How the batch is given to the function. @default 'columns' */
  batchFormat?: BatchFormat;
}

/** Options of addColumn. */
export interface AddColumnOptions {
  /** How the batch is given to the function. @default 'columns' */
  batchFormat?: BatchFormat;
  /** Extra arguments after the batch. @default [] */
  fnArgs?: unknown[];
}

/** Options of mapGroups. */
export interface MapGroupsOptions {
  /** How each group is given to the function. @default 'columns' */
  batchFormat?: BatchFormat;
  /** Extra arguments after the group. @default [] */
  fnArgs?: unknown[];
  /** CPUs each reduce task holds. @default 1 */
  numCpus?: number;
  /** GPUs each reduce task holds. @default 0 */
  numGpus?: number;
}

/** Options resolved for the logical plan. */
export interface ResolvedMapOptions {
  fnArgs: readonly unknown[];
  fnConstructorArgs: readonly unknown[];
  compute: Compute;
  resources: StageResources;
  batchSize?: number | null;
  batchFormat?: BatchFormat;
}

const MAP_KEYS = ['fnArgs', 'fnConstructorArgs', 'concurrency', 'numCpus', 'numGpus'];

/** Rejects unknown option fields. */
export function checkKeys(where: string, opts: object | undefined, allowed: readonly string[]): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${where} must be an object`);
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new TypeError(`${where}.${k} is not a known option (known: ${allowed.join(', ')})`);
  }
}

/** A non-negative number. */
export function nonNegative(where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${where} must be a number, got ${JSON.stringify(v)}`);
  if (v < 0) throw new RangeError(`${where} must be >= 0, got ${v}`);
  return v;
}

/** A whole number >= min. */
export function intAtLeast(where: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where} must be an integer, got ${JSON.stringify(v)}`);
  if (v < min) throw new RangeError(`${where} must be >= ${min}, got ${v}`);
  return v;
}

function arrayOpt(where: string, v: unknown): readonly unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new TypeError(`${where} must be an array`);
  return Object.freeze([...v]);
}

/** Resolves map-like options for a function or class UDF. */
export function resolveMapOptions(where: string, opts: MapBatchesOptions | undefined, isClass: boolean, batch: boolean): ResolvedMapOptions {
  checkKeys(where, opts, batch ? [...MAP_KEYS, 'batchSize', 'batchFormat'] : MAP_KEYS);
  const o = opts ?? {};
  let compute: Compute;
  if (isClass) {
    const c = o.concurrency ?? 1;
    const [min, max] = Array.isArray(c) ? c : [c, c];
    intAtLeast(`${where}.concurrency`, min, 1);
    intAtLeast(`${where}.concurrency`, max, min);
    compute = { kind: 'actors', min, max };
  } else {
    if (Array.isArray(o.concurrency)) throw new TypeError(`${where}.concurrency: a [min, max] pool size is for classes; give a function a number of tasks`);
    compute = { kind: 'tasks', concurrency: o.concurrency === undefined ? undefined : intAtLeast(`${where}.concurrency`, o.concurrency, 1) };
  }
  if (!isClass && o.fnConstructorArgs !== undefined) throw new TypeError(`${where}.fnConstructorArgs is only for classes`);
  const resources: StageResources = {
    numCpus: o.numCpus === undefined ? (isClass ? 0 : 1) : nonNegative(`${where}.numCpus`, o.numCpus),
    numGpus: o.numGpus === undefined ? 0 : nonNegative(`${where}.numGpus`, o.numGpus),
  };
  const out: ResolvedMapOptions = { fnArgs: arrayOpt(`${where}.fnArgs`, o.fnArgs), fnConstructorArgs: arrayOpt(`${where}.fnConstructorArgs`, o.fnConstructorArgs), compute, resources };
  if (batch) {
    if (o.batchSize !== undefined && o.batchSize !== null) intAtLeast(`${where}.batchSize`, o.batchSize, 1);
    out.batchSize = o.batchSize;
    out.batchFormat = o.batchFormat === undefined ? 'columns' : checkBatchFormat(`${where}.batchFormat`, o.batchFormat);
  }
  return out;
}

/** Checks a list of column names. */
export function checkColumns(where: string, cols: unknown): string[] {
  const list = typeof cols === 'string' ? [cols] : cols;
  if (!Array.isArray(list) || list.some((c) => typeof c !== 'string' || !c)) throw new TypeError(`${where} must be a column name or an array of column names`);
  return [...list];
}
