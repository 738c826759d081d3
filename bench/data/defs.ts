/**
 * Functions the data benchmarks pass to datasets; exported so workers import them (the
 * data package's rule for user functions).
 */

/** A row of the generated group-by table: 1,000 keys, a float value. */
export function makeRow(r: Record<string, unknown>): { key: number; v: number; w: number } {
  const id = r.id as number;
  return { key: id % 1000, v: (id % 97) * 0.5, w: id };
}

/** A CPU-heavy batch transform (a few dozen flops per value) for the scaling benchmark. */
export function heavyBatch(batch: Record<string, ArrayLike<number>>): Record<string, Float64Array> {
  const v = batch.v!;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let x = v[i]!;
    for (let k = 0; k < 40; k++) x = Math.sqrt(x * x + 1.0001) * 0.999;
    out[i] = x;
  }
  return { out };
}
