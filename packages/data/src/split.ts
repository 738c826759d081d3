/**
 * Splitting materialized blocks into parts by rows, from their metadata: whole blocks are
 * reused, partial ones are cut by small slice tasks (the rows never pass through the
 * driver).
 */
import type * as ray from '@ray-ts/core';
import type { Block } from './block.js';
import { planAtCuts, planSlices, type Slice } from './execution/physical/slice-plan.js';
import type { RefBundle } from './execution/ref-bundle.js';
import { sliceTask } from './execution/remote-fns.js';

function materializeSlices(bundles: readonly RefBundle[], plan: Slice[]): RefBundle[] {
  const out: RefBundle[] = [];
  for (const s of plan) {
    const b = bundles[s.block]!;
    const rows = s.end - s.start;
    if (rows === b.meta.numRows) {
      out.push({ ...b, owned: false });
      continue;
    }
    const ref = sliceTask.options({ name: 'Split.slice' }).remote([[s.start, s.end]], b.ref) as ray.ObjectRef<Block>;
    out.push({ ref, meta: { numRows: rows, sizeBytes: Math.ceil((b.meta.sizeBytes * rows) / Math.max(1, b.meta.numRows)) }, owned: false });
  }
  return out;
}

/** `n` parts: of equal rows (`equal`), or of whole blocks balanced by rows. */
export function splitBundles(bundles: readonly RefBundle[], n: number, equal: boolean): RefBundle[][] {
  if (equal) return planSlices(bundles.map((b) => b.meta.numRows), n).map((plan) => materializeSlices(bundles, plan));
  const parts: RefBundle[][] = Array.from({ length: n }, () => []);
  const rows = new Array<number>(n).fill(0);
  for (const b of bundles) {
    let best = 0;
    for (let i = 1; i < n; i++) if (rows[i]! < rows[best]!) best = i;
    parts[best]!.push({ ...b, owned: false });
    rows[best]! += b.meta.numRows;
  }
  return parts;
}

/** Parts cut at global row indices (ascending): `[0, i0)`, `[i0, i1)`, ..., `[ik, total)`. */
export function splitBundlesAt(bundles: readonly RefBundle[], indices: readonly number[]): RefBundle[][] {
  const total = bundles.reduce((n, b) => n + b.meta.numRows, 0);
  const cuts = [0, ...indices.map((i) => Math.min(Math.max(0, i), total)), total];
  for (let i = 1; i < cuts.length; i++) {
    if (cuts[i]! < cuts[i - 1]!) throw new RangeError(`splitAt() indices must be ascending, got ${indices.join(', ')}`);
  }
  return planAtCuts(bundles.map((b) => b.meta.numRows), cuts).map((plan) => materializeSlices(bundles, plan));
}

/** Cut indices for proportions `weights` of `total` rows. */
export function cutsForWeights(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    acc += weights[i]!;
    out.push(Math.round((total * acc) / sum));
  }
  return out;
}
