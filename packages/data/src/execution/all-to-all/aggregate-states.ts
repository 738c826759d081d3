/**
 * Two-step, vectorized aggregation. An {@link Aggregator} gives every row a dense group
 * id ({@link GroupKeys}) and accumulates each aggregation into typed-array states
 * indexed by group ({@link AggState}). In a map task (or fused into the read) it
 * accumulates raw rows and emits one row per group of partial states
 * ({@link partialAggregate}); in a reduce task it merges partial rows the same way and
 * emits the final values, sorted by key ({@link finalAggregate}).
 */
import { Table, type Vector } from 'apache-arrow';
import type { AggregateSpec } from '../../aggregate.js';
import type { Block } from '../../block.js';
import { stateFields, stateFor, type AggState } from './agg-state.js';
import { aggregateByEntry, type EntryTarget } from './entry-aggregate.js';
import { GroupKeys } from './group-keys.js';

function column(block: Block, name: string): Vector {
  const v = block.getChild(name);
  if (!v) throw new TypeError(`column '${name}' not found; the columns are ${block.schema.fields.map((f) => f.name).join(', ')}`);
  return v;
}

/** Groups and aggregation states, fed block by block. */
export class Aggregator implements EntryTarget {
  private readonly groups: GroupKeys;
  /** The state of each aggregation; sum and mean of one column share one. */
  readonly states: AggState[];
  /** For each aggregation, whether it owns its state (shared states are fed once). */
  readonly owner: boolean[];

  constructor(readonly keys: readonly string[], readonly aggs: readonly AggregateSpec[]) {
    this.groups = new GroupKeys(keys);
    const shared = new Map<string, AggState>();
    this.owner = [];
    this.states = aggs.map((a) => {
      const key = a.kind === 'sum' || a.kind === 'mean' ? `sum:${a.on}` : undefined;
      const existing = key === undefined ? undefined : shared.get(key);
      this.owner.push(!existing);
      if (existing) return existing;
      const s = stateFor(a);
      if (key !== undefined) shared.set(key, s);
      return s;
    });
  }

  /** Groups seen so far. */
  get numGroups(): number {
    return this.groups.size;
  }

  /** Makes the states room for the groups seen so far. */
  growStates(): void {
    const g = this.groups.size;
    for (const s of this.states) s.grow(g);
  }

  /** A column of a block (a TypeError naming the columns when it is missing). */
  column(block: Block, name: string): Vector {
    return column(block, name);
  }

  private assign(block: Block): Int32Array {
    const ids = this.groups.assign(block);
    this.growStates();
    return ids;
  }

  /** Accumulates the rows of a block. */
  addRows(block: Block): void {
    if (block.numRows === 0) return;
    const key = this.groups.dictionaryKey(block);
    if (key) {
      aggregateByEntry(this, block, key.data, key.grouper);
      return;
    }
    const cols = this.aggs.map((a) => (a.on === undefined ? undefined : column(block, a.on)));
    const ids = this.assign(block);
    this.states.forEach((s, j) => this.owner[j] && s.add(ids, cols[j], block.numRows));
  }

  /** Merges a block of partial states (as made by {@link partialBlock}). */
  addPartial(block: Block): void {
    if (block.numRows === 0) return;
    const cols = this.aggs.map((a, j) => Object.fromEntries(stateFields(a.kind).map((f) => [f, column(block, `__a${j}_${f}`)])));
    const ids = this.assign(block);
    this.states.forEach((s, j) => this.owner[j] && s.merge(ids, cols[j]!));
  }

  /** One row per group: the key columns and the state columns `__a<j>_<field>`. Empty when there are no groups. */
  partialBlock(): Block {
    const n = this.groups.size;
    if (n === 0) return new Table();
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const cols: Record<string, Vector> = this.groups.keyVectors(order);
    this.states.forEach((s, j) => {
      for (const [f, v] of Object.entries(s.partial(order))) cols[`__a${j}_${f}`] = v;
    });
    return new Table(cols);
  }

  /** One row per group, sorted by key: the key columns then one column per aggregation. */
  finalBlock(): Block {
    if (this.groups.size === 0) return new Table();
    const order = this.groups.sortedOrder();
    const cols: Record<string, Vector> = this.groups.keyVectors(order);
    this.states.forEach((s, j) => (cols[this.aggs[j]!.alias] = s.final(order, this.aggs[j]!.alias, this.aggs[j]!)));
    return new Table(cols);
  }
}

/** One row per group of the block: the key columns and the partial states. */
export function partialAggregate(block: Block, keys: readonly string[], aggs: readonly AggregateSpec[]): Block {
  const a = new Aggregator(keys, aggs);
  a.addRows(block);
  return a.partialBlock();
}

/** Merges blocks of partial rows and finalizes: key columns then one column per aggregation, sorted by key. */
export function finalAggregate(partials: readonly Block[], keys: readonly string[], aggs: readonly AggregateSpec[]): Block {
  const a = new Aggregator(keys, aggs);
  for (const p of partials) a.addPartial(p);
  return a.finalBlock();
}

/** Aggregates raw blocks in one step (a single reduce over unaggregated input). */
export function aggregateRows(blocks: readonly Block[], keys: readonly string[], aggs: readonly AggregateSpec[]): Block {
  const a = new Aggregator(keys, aggs);
  for (const b of blocks) a.addRows(b);
  return a.finalBlock();
}
