/**
 * Flattening of nested metrics and configs into one level of `a/b` keys, as Ray's
 * `flatten_dict` does for `progress.csv`, MLflow params and metrics. Only plain objects
 * are descended into; arrays, typed arrays, dates and class instances are leaves.
 */

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `{ a: { b: 1 }, c: 2 }` → `{ 'a/b': 1, c: 2 }`. An empty nested object disappears. */
export function flattenDict(value: Record<string, unknown>, separator = '/'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      const key = prefix ? `${prefix}${separator}${k}` : k;
      if (isPlainObject(v)) walk(v, key);
      else out[key] = v;
    }
  };
  walk(value, '');
  return out;
}
