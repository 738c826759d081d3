/**
 * GroupedData: `ds.groupBy(key)`, like Ray's. Aggregations run as a distributed
 * sort-based shuffle: map tasks compute partial states per group and range-partition
 * them by key; reduce tasks merge the states. Output is sorted by key.
 */
import { aggregateSpec, Count, Max, Mean, Min, Std, Sum, type AggregateFn, type AggregateSpec } from './aggregate.js';
import type { ColumnBatch, BatchResult } from './block/batch-format.js';
import { checkBatchFormat } from './block/batch-format.js';
import type { Dataset } from './dataset.js';
import type { LogicalStage } from './logical/plan.js';
import { checkKeys, nonNegative, type MapGroupsOptions } from './options.js';
import { callerModule } from './udf/call-site.js';
import { isClass, udfName } from './udf/udf-spec.js';

/** A dataset grouped by key columns. */
export class GroupedData {
  /** @internal Use `Dataset.groupBy(key)`. */
  constructor(private readonly ds: Dataset, readonly keys: readonly string[]) {}

  /** One row per group: the key columns, then one column per aggregation (e.g. `count()`, `sum(x)`). */
  aggregate(...aggs: (AggregateFn | AggregateSpec)[]): Dataset {
    const specs = aggs.map((a) => aggregateSpec(a, 'aggregate()'));
    if (specs.length === 0) throw new TypeError('aggregate() needs at least one aggregation, e.g. new Count()');
    const aliases = new Set<string>();
    for (const s of specs) {
      if (aliases.has(s.alias) || this.keys.includes(s.alias)) throw new TypeError(`aggregate(): two output columns are named '${s.alias}'; give one an alias`);
      aliases.add(s.alias);
    }
    const name = `Aggregate[${this.keys.join(',') || 'all'}: ${specs.map((s) => s.alias).join(', ')}]`;
    return this.ds.derive({ kind: 'allToAll', name, input: this.ds.plan, op: { kind: 'aggregate', keys: [...this.keys], aggs: specs } });
  }

  /** Rows per group, in column `count()`. */
  count(): Dataset {
    return this.aggregate(new Count());
  }

  /** Sum of a column per group, in `sum(on)`. */
  sum(on: string): Dataset {
    return this.aggregate(new Sum(on));
  }

  /** Minimum per group, in `min(on)`. */
  min(on: string): Dataset {
    return this.aggregate(new Min(on));
  }

  /** Maximum per group, in `max(on)`. */
  max(on: string): Dataset {
    return this.aggregate(new Max(on));
  }

  /** Mean per group, in `mean(on)`. */
  mean(on: string): Dataset {
    return this.aggregate(new Mean(on));
  }

  /** Standard deviation per group, in `std(on)`. */
  std(on: string, options: { ddof?: number } = {}): Dataset {
    return this.aggregate(new Std(on, options));
  }

  /**
   * Applies `fn` to each group (all its rows as one batch, `batchFormat` 'columns' by
   * default); it returns a batch in any format. Groups come in key order.
   */
  mapGroups(fn: (group: any, ...fnArgs: any[]) => BatchResult | Promise<BatchResult>, options: MapGroupsOptions = {}): Dataset {
    if (typeof fn !== 'function' || isClass(fn)) throw new TypeError('mapGroups() expects a function');
    checkKeys('mapGroups() options', options, ['batchFormat', 'fnArgs', 'numCpus', 'numGpus']);
    const batchFormat = options.batchFormat === undefined ? 'columns' : checkBatchFormat('mapGroups() options.batchFormat', options.batchFormat);
    if (options.fnArgs !== undefined && !Array.isArray(options.fnArgs)) throw new TypeError('mapGroups() options.fnArgs must be an array');
    const resources = {
      numCpus: options.numCpus === undefined ? 1 : nonNegative('mapGroups() options.numCpus', options.numCpus),
      numGpus: options.numGpus === undefined ? 0 : nonNegative('mapGroups() options.numGpus', options.numGpus),
    };
    const name = `MapGroups(${udfName(fn)})`;
    const stage: LogicalStage = { kind: 'mapBatches', name, fn, callerUrl: callerModule(), fnArgs: options.fnArgs ?? [], batchSize: null, batchFormat };
    const key = { columns: [...this.keys], descending: this.keys.map(() => false) };
    return this.ds.derive({ kind: 'allToAll', name, input: this.ds.plan, op: { kind: 'mapGroups', key, stage, resources } });
  }
}

/** A group in columns format, for annotating mapGroups functions. */
export type { ColumnBatch };
