// The trivial task of the core benchmarks: a no-op returning a number. Plain JavaScript
// (not TypeScript) so that piscina's worker threads load it with no TS loader, and the
// very same function is the body of our no-op remote function (defs.ts).

/** Does nothing; returns 0. */
export default function noop() {
  return 0;
}
