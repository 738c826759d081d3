/**
 * Checks for builder settings: each throws TypeError (wrong type, unknown key) or
 * RangeError (out of range) naming the setting, synchronously at the call site.
 */

function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : String(v);
}

/** Rejects a non-object and keys outside `allowed`. */
export function checkObject(where: string, o: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new TypeError(`${where} must be an object, got ${describe(o)}`);
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new TypeError(`${where}.${k} is not a known setting (known: ${allowed.join(', ')})`);
  }
  return o as Record<string, unknown>;
}

/** A finite number within [min, max] (min exclusive when `openMin`). */
export function num(where: string, v: unknown, min = -Infinity, max = Infinity, openMin = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${where} must be a finite number, got ${describe(v)}`);
  if (openMin ? v <= min : v < min) throw new RangeError(`${where} must be ${openMin ? '>' : '>='} ${min}, got ${v}`);
  if (v > max) throw new RangeError(`${where} must be <= ${max}, got ${v}`);
  return v;
}

/** An integer >= min. */
export function int(where: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where} must be an integer, got ${describe(v)}`);
  if (v < min) throw new RangeError(`${where} must be >= ${min}, got ${v}`);
  return v;
}

/** A boolean. */
export function bool(where: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${where} must be a boolean, got ${describe(v)}`);
  return v;
}

/** One of `choices`. */
export function oneOf<T extends string>(where: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string') throw new TypeError(`${where} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(v)}`);
  if (!choices.includes(v as T)) throw new RangeError(`${where} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got '${v}'`);
  return v as T;
}

/** A non-empty array of positive integers. */
export function layerSizes(where: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw new TypeError(`${where} must be an array of layer sizes, got ${describe(v)}`);
  if (v.length === 0) throw new RangeError(`${where} must have at least one layer`);
  return v.map((x, i) => int(`${where}[${i}]`, x, 1));
}

/** Validates each field of `o` present in `checks`, returning a copy of the checked values. */
export function checkFields(where: string, o: unknown, checks: Readonly<Record<string, (where: string, v: unknown) => unknown>>): Record<string, unknown> {
  const obj = checkObject(where, o, Object.keys(checks));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    out[k] = checks[k]!(`${where}.${k}`, v);
  }
  return out;
}
