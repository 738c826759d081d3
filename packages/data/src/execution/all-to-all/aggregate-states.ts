/**
 * Two-step aggregation. {@link partialAggregate} turns a block into one row per group of
 * partial states (in a shuffle map task); {@link finalAggregate} merges the partial rows
 * of each group and finalizes them into the output columns (in a reduce task).
 */
import type { AggregateSpec } from '../../aggregate.js';
import type { Block } from '../../block.js';
import { columnValues } from '../../block/block-accessor.js';
import { columnsToBlock } from '../../block/block-builder.js';
import { compareKeys, keyAt, type KeyTuple } from './sort-key.js';

type State = Record<string, unknown>;

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

function stateFields(a: AggregateSpec): string[] {
  switch (a.kind) {
    case 'count': return ['n'];
    case 'sum': case 'mean': return ['s', 'n'];
    case 'std': return ['n', 'm', 'm2'];
    default: return ['v'];
  }
}

function init(a: AggregateSpec): State {
  return a.kind === 'count' ? { n: 0 } : a.kind === 'std' ? { n: 0, m: 0, m2: 0 } : a.kind === 'sum' || a.kind === 'mean' ? { s: 0, n: 0 } : { v: null };
}

function better(a: AggregateSpec, cur: unknown, v: unknown): boolean {
  if (cur === null) return true;
  if (a.kind === 'min') return (v as number) < (cur as number);
  if (a.kind === 'max') return (v as number) > (cur as number);
  return Math.abs(num(v)!) > Math.abs(num(cur)!);
}

function accumulate(a: AggregateSpec, st: State, v: unknown): void {
  if (a.kind === 'count') {
    st.n = (st.n as number) + 1;
    return;
  }
  if (v === null || v === undefined) return;
  if (a.kind === 'sum' || a.kind === 'mean') {
    st.s = (st.s as number) + num(v)!;
    st.n = (st.n as number) + 1;
  } else if (a.kind === 'std') {
    const x = num(v)!;
    const n = (st.n as number) + 1;
    const d = x - (st.m as number);
    st.n = n;
    st.m = (st.m as number) + d / n;
    st.m2 = (st.m2 as number) + d * (x - (st.m as number));
  } else if (better(a, st.v, v)) {
    st.v = a.kind === 'absMax' ? Math.abs(num(v)!) : v;
  }
}

function merge(a: AggregateSpec, st: State, o: State): void {
  if (a.kind === 'count') st.n = (st.n as number) + (o.n as number);
  else if (a.kind === 'sum' || a.kind === 'mean') {
    st.s = (st.s as number) + (o.s as number);
    st.n = (st.n as number) + (o.n as number);
  } else if (a.kind === 'std') {
    const n1 = st.n as number;
    const n2 = o.n as number;
    if (n2 === 0) return;
    const n = n1 + n2;
    const d = (o.m as number) - (st.m as number);
    st.m2 = (st.m2 as number) + (o.m2 as number) + (d * d * n1 * n2) / n;
    st.m = (st.m as number) + (d * n2) / n;
    st.n = n;
  } else if (o.v !== null && better(a, st.v, o.v)) st.v = o.v;
}

function finalize(a: AggregateSpec, st: State): unknown {
  switch (a.kind) {
    case 'count': return st.n;
    case 'sum': return (st.n as number) > 0 ? st.s : null;
    case 'mean': return (st.n as number) > 0 ? (st.s as number) / (st.n as number) : null;
    case 'std': {
      const n = st.n as number;
      const ddof = a.ddof ?? 1;
      return n - ddof > 0 ? Math.sqrt((st.m2 as number) / (n - ddof)) : null;
    }
    default: return st.v;
  }
}

interface Groups {
  keys: KeyTuple[];
  states: State[][];
}

function groupKey(k: KeyTuple): unknown {
  if (k.length === 1) return k[0];
  return JSON.stringify(k, (_x, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

function groupRows(n: number, keyCols: ArrayLike<unknown>[], aggs: readonly AggregateSpec[], each: (states: State[], row: number) => void): Groups {
  const index = new Map<unknown, number>();
  const groups: Groups = { keys: [], states: [] };
  for (let i = 0; i < n; i++) {
    const k = keyAt(keyCols, i);
    const gk = groupKey(k);
    let g = index.get(gk);
    if (g === undefined) {
      g = groups.keys.length;
      index.set(gk, g);
      groups.keys.push(k);
      groups.states.push(aggs.map(init));
    }
    each(groups.states[g]!, i);
  }
  return groups;
}

function cols(block: Block, names: readonly string[]): ArrayLike<unknown>[] {
  return names.map((c) => {
    const v = block.getChild(c);
    if (!v) throw new TypeError(`column '${c}' not found; the columns are ${block.schema.fields.map((f) => f.name).join(', ')}`);
    return columnValues(v);
  });
}

/** One row per group of the block: the key columns and the partial states. */
export function partialAggregate(block: Block, keys: readonly string[], aggs: readonly AggregateSpec[]): Block {
  const keyCols = cols(block, keys);
  const valueCols = aggs.map((a) => (a.on === undefined ? [] : cols(block, [a.on])[0]!));
  const g = groupRows(block.numRows, keyCols, aggs, (states, i) => aggs.forEach((a, j) => accumulate(a, states[j]!, valueCols[j]![i])));
  const out: Record<string, unknown[]> = {};
  keys.forEach((k, c) => (out[k] = g.keys.map((t) => t[c])));
  aggs.forEach((a, j) => {
    for (const f of stateFields(a)) out[`__a${j}_${f}`] = g.states.map((s) => s[j]![f]);
  });
  return columnsToBlock(out, block.schema);
}

/** Merges partial rows per group and finalizes: key columns then one column per aggregation, sorted by key. */
export function finalAggregate(partials: Block, keys: readonly string[], aggs: readonly AggregateSpec[]): Block {
  const keyCols = cols(partials, keys);
  const stateCols = aggs.map((a, j) => Object.fromEntries(stateFields(a).map((f) => [f, columnValues(partials.getChild(`__a${j}_${f}`)!)])));
  const g = groupRows(partials.numRows, keyCols, aggs, (states, i) =>
    aggs.forEach((a, j) => merge(a, states[j]!, Object.fromEntries(Object.entries(stateCols[j]!).map(([f, c]) => [f, c[i] ?? null])))),
  );
  const order = g.keys.map((_, i) => i).sort((x, y) => compareKeys(g.keys[x]!, g.keys[y]!, keys.map(() => false)));
  const out: Record<string, unknown[]> = {};
  keys.forEach((k, c) => (out[k] = order.map((i) => g.keys[i]![c])));
  aggs.forEach((a, j) => (out[a.alias] = order.map((i) => finalize(a, g.states[i]![j]!))));
  return columnsToBlock(out, partials.schema);
}
