/**
 * Sources whose blocks the driver has: items, Arrow tables, and materialized bundles.
 * Items and tables are put into the object store on first execution (after `init()`),
 * once; later executions reuse the refs.
 */
import * as ray from '@ray-ts/core';
import type { Table } from 'apache-arrow';
import type { Block } from '../block.js';
import { blockMetadata, isArrowTable, type Row } from '../block/block-accessor.js';
import { rowsToBlock } from '../block/block-builder.js';
import type { RefBundle } from '../execution/ref-bundle.js';
import type { InputSource } from '../logical/plan.js';

function putBlock(block: Block): RefBundle {
  return { ref: ray.put(block), meta: blockMetadata(block), owned: false };
}

/** Rows given in the driver, split into `numBlocks` blocks. */
export class ItemsSource implements InputSource {
  readonly name = 'FromItems';
  private cached?: Promise<RefBundle[]>;

  constructor(private readonly items: readonly unknown[], private readonly numBlocks: number) {}

  bundles(): Promise<RefBundle[]> {
    this.cached ??= Promise.resolve().then(() => {
      const rows: Row[] = this.items.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) && !ArrayBuffer.isView(x) && !(x instanceof Date) ? (x as Row) : { item: x }));
      const n = Math.max(1, Math.min(this.numBlocks, rows.length));
      const out: RefBundle[] = [];
      for (let i = 0; i < n; i++) {
        const chunk = rows.slice(Math.floor((rows.length * i) / n), Math.floor((rows.length * (i + 1)) / n));
        if (chunk.length) out.push(putBlock(rowsToBlock(chunk)));
      }
      return out;
    });
    return this.cached;
  }
}

/** Arrow tables given in the driver, one block per table. */
export class ArrowSource implements InputSource {
  readonly name = 'FromArrow';
  private cached?: Promise<RefBundle[]>;

  constructor(private readonly tables: readonly Table[]) {
    tables.forEach((t, i) => {
      if (!isArrowTable(t)) throw new TypeError(`fromArrow() tables[${i}] is not an Arrow Table`);
    });
  }

  bundles(): Promise<RefBundle[]> {
    this.cached ??= Promise.resolve().then(() => this.tables.filter((t) => t.numRows > 0).map(putBlock));
    return this.cached;
  }
}

/** Blocks already in the object store (a materialized dataset). */
export class BundlesSource implements InputSource {
  constructor(readonly name: string, private readonly list: readonly RefBundle[]) {}

  bundles(): Promise<RefBundle[]> {
    return Promise.resolve(this.list.map((b) => ({ ...b, owned: false })));
  }

  /** The bundles, synchronously. */
  get refBundles(): readonly RefBundle[] {
    return this.list;
  }
}
