/**
 * A `JSON.stringify` replacer for metrics and configs, so that logging never fails on a
 * value JSON lacks: BigInt becomes a number (a string when unsafe), typed arrays become
 * arrays, NaN/±Infinity become null (as JSON.stringify does), functions and symbols are
 * dropped, repeated references (cycles) become `"[Circular]"`.
 */

/** Returns a fresh replacer (it tracks the objects on the current path to spot cycles). */
export function jsonSafeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const stack: unknown[] = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? Number(x) : x));
    if (typeof value === 'object' && value !== null) {
      while (stack.length > 0 && stack[stack.length - 1] !== this) stack.pop();
      if (stack.includes(value)) return '[Circular]';
      stack.push(value);
    }
    return value;
  };
}

/** `JSON.stringify` with {@link jsonSafeReplacer}. */
export function toJsonSafe(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonSafeReplacer(), indent) ?? 'null';
}
