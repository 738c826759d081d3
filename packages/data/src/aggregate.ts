/**
 * Aggregations for `groupBy(key).aggregate(...)` and `Dataset.aggregate(...)`, like
 * Ray's `ray.data.aggregate`: `new Count()`, `new Sum('x')`, `new Mean('x')`,
 * `new Min('x')`, `new Max('x')`, `new Std('x', { ddof })`, `new AbsMax('x')`. Each is
 * computed in two steps: partial states per block (in the map tasks of the shuffle),
 * merged per group (in the reduce tasks).
 */

/** Kinds of aggregation. */
export type AggregateKind = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'std' | 'absMax';

/** An aggregation as plain data (what travels to workers). */
export interface AggregateSpec {
  readonly kind: AggregateKind;
  /** Column aggregated (not for count). */
  readonly on?: string;
  /** Output column name. @default e.g. `sum(x)`, `count()` */
  readonly alias: string;
  /** Delta degrees of freedom of std. @default 1 */
  readonly ddof?: number;
}

/** Base of the aggregation classes. */
export abstract class AggregateFn {
  /** The aggregation as plain data. */
  abstract readonly spec: AggregateSpec;
}

function checkOn(what: string, on: unknown): string {
  if (typeof on !== 'string' || !on) throw new TypeError(`${what}(on) needs the column name as a non-empty string, got ${JSON.stringify(on)}`);
  return on;
}

/** Number of rows (of the group). Output column `count()`. */
export class Count extends AggregateFn {
  readonly spec: AggregateSpec;
  constructor(opts: { alias?: string } = {}) {
    super();
    this.spec = Object.freeze({ kind: 'count', alias: opts.alias ?? 'count()' });
  }
}

/** Sum of a column (nulls skipped). Output column `sum(on)`. */
export class Sum extends AggregateFn {
  readonly spec: AggregateSpec;
  constructor(on: string, opts: { alias?: string } = {}) {
    super();
    this.spec = Object.freeze({ kind: 'sum', on: checkOn('Sum', on), alias: opts.alias ?? `sum(${on})` });
  }
}

/** Mean of a column (nulls skipped). Output column `mean(on)`. */
export class Mean extends AggregateFn {
  readonly spec: AggregateSpec;
  constructor(on: string, opts: { alias?: string } = {}) {
    super();
    this.spec = Object.freeze({ kind: 'mean', on: checkOn('Mean', on), alias: opts.alias ?? `mean(${on})` });
  }
}

/** Minimum of a column (numbers, strings, ...; nulls skipped). Output column `min(on)`. */
export class Min extends AggregateFn {
  readonly spec: AggregateSpec;
  constructor(on: string, opts: { alias?: string } = {}) {
    super();
    this.spec = Object.freeze({ kind: 'min', on: checkOn('Min', on), alias: opts.alias ?? `min(${on})` });
  }
}

/** Maximum of a column (nulls skipped). Output column `max(on)`. */
export class Max extends AggregateFn {
  readonly spec: AggregateSpec;
  constructor(on: string, opts: { alias?: string } = {}) {
    super();
    this.spec = Object.freeze({ kind: 'max', on: checkOn('Max', on), alias: opts.alias ?? `max(${on})` });
  }
}

/** Largest absolute value of a column. Output column `abs_max(on)`. */
export class AbsMax extends AggregateFn {
  readonly spec: AggregateSpec;
  constructor(on: string, opts: { alias?: string } = {}) {
    super();
    this.spec = Object.freeze({ kind: 'absMax', on: checkOn('AbsMax', on), alias: opts.alias ?? `abs_max(${on})` });
  }
}

/** Standard deviation of a column (`ddof` 1: sample std, like Ray). Output column `std(on)`. */
export class Std extends AggregateFn {
  readonly spec: AggregateSpec;
  constructor(on: string, opts: { alias?: string; ddof?: number } = {}) {
    super();
    const ddof = opts.ddof ?? 1;
    if (!Number.isInteger(ddof) || ddof < 0) throw new RangeError(`Std options.ddof must be an integer >= 0, got ${ddof}`);
    this.spec = Object.freeze({ kind: 'std', on: checkOn('Std', on), alias: opts.alias ?? `std(${on})`, ddof });
  }
}

/** The plain spec of an aggregation (accepts classes or specs); throws TypeError for anything else. */
export function aggregateSpec(a: AggregateFn | AggregateSpec, where: string): AggregateSpec {
  const spec = a instanceof AggregateFn ? a.spec : a;
  const kinds: AggregateKind[] = ['count', 'sum', 'mean', 'min', 'max', 'std', 'absMax'];
  if (!spec || !kinds.includes(spec.kind) || typeof spec.alias !== 'string') {
    throw new TypeError(`${where}: expected aggregations such as new Count(), new Sum('x'), new Mean('x'), got ${JSON.stringify(a)}`);
  }
  return spec;
}
