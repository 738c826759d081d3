/**
 * A small gitignore-style matcher for the `excludes` of a working directory
 * (Ray's `runtime_env={"excludes": [...]}`). Node's `path.matchesGlob` exists on
 * Node 20 but is experimental (it prints an ExperimentalWarning) and knows nothing
 * of gitignore's anchoring rules, so the few rules we need are implemented here.
 *
 * Supported, as in `.gitignore`:
 * - `name` (no slash): matches a file or directory of that name at any depth;
 * - `dir/` (trailing slash): matches directories only;
 * - `/top.txt`, `a/b` (a leading or inner slash): anchored to the working directory;
 * - `*` and `?` (never cross `/`), `[abc]` / `[!abc]` character classes;
 * - `**` as a whole segment: `**\/foo` (any depth), `foo/**` (everything inside), `a/**\/b`;
 * - `\` escapes the next character; blank lines and `#` comments are ignored.
 *
 * Not supported: negation (`!pattern`), which throws a `RangeError`.
 * An excluded directory is not walked, so everything under it is excluded too.
 */

/** Tells whether a path, relative to the working directory and `/`-separated, is excluded. */
export type ExcludeMatcher = (relPath: string, isDir: boolean) => boolean;

interface CompiledPattern {
  readonly re: RegExp;
  readonly dirOnly: boolean;
}

/**
 * Compiles gitignore-style patterns into one matcher.
 * @param patterns - the patterns, e.g. `['*.log', 'data/', '/top.txt']`.
 * @param field - the option name used in error messages.
 * @throws TypeError if a pattern is not a string; RangeError for a negated pattern.
 */
export function compileExcludes(patterns: readonly string[], field = 'excludes'): ExcludeMatcher {
  const compiled: CompiledPattern[] = [];
  patterns.forEach((raw, i) => {
    if (typeof raw !== 'string') throw new TypeError(`${field}[${i}] must be a string, got ${typeof raw}`);
    const c = compilePattern(raw, `${field}[${i}]`);
    if (c) compiled.push(c);
  });
  if (compiled.length === 0) return () => false;
  return (relPath, isDir) => compiled.some((c) => (isDir || !c.dirOnly) && c.re.test(relPath));
}

function compilePattern(raw: string, field: string): CompiledPattern | undefined {
  let p = raw.trim();
  if (p === '' || p.startsWith('#')) return undefined;
  if (p.startsWith('!')) {
    throw new RangeError(`${field} ('${raw}'): negated patterns are not supported; list only what to exclude`);
  }
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '');
  // gitignore: a slash at the start or in the middle anchors the pattern to the root.
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  if (p === '') throw new RangeError(`${field} ('${raw}') matches the whole working directory`);
  const body = globToRegExpSource(p);
  return { re: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`), dirOnly };
}

function globToRegExpSource(p: string): string {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '*') {
      if (p[i + 1] === '*' && (i === 0 || p[i - 1] === '/') && (i + 2 === p.length || p[i + 2] === '/')) {
        if (i + 2 === p.length) {
          re += '.*'; // trailing `**`: everything below
          i += 1;
        } else {
          re += '(?:.*/)?'; // `**/`: zero or more directories
          i += 2;
        }
        continue;
      }
      while (p[i + 1] === '*') i++; // `**` inside a segment acts like `*`
      re += '[^/]*';
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '[') {
      const end = classEnd(p, i);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let cls = p.slice(i + 1, end);
      if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\(.)/g, (_m, c: string) => escapeRegExp(c))}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < p.length) {
      re += escapeRegExp(p[++i]!);
    } else {
      re += escapeRegExp(ch);
    }
  }
  return re;
}

/** Index of the `]` closing the class opened at `start`, or -1 if it is not a class. */
function classEnd(p: string, start: number): number {
  let j = start + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++; // a leading `]` is a literal member
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j;
    else if (p[j] === '/') return -1;
  }
  return -1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
