/**
 * Path helpers shared by the local and S3 file systems: `s3://` URLs, glob patterns
 * (`*`, `**`, `?`, `[abc]`), which files a directory walk skips, and file extensions.
 */

/** A file found by expanding an input path. */
export interface FileInfo {
  /** Absolute local path or `s3://bucket/key`. */
  path: string;
  /** Size in bytes. */
  size: number;
}

/** True when the path is an `s3://` URL. */
export function isS3Path(path: string): boolean {
  return path.startsWith('s3://');
}

/** Splits `s3://bucket/key` into bucket and key (the key may be empty). */
export function parseS3Url(url: string): { bucket: string; key: string } {
  if (!isS3Path(url)) throw new TypeError(`not an s3:// URL: '${url}'`);
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (!bucket) throw new TypeError(`s3 URL '${url}' has no bucket (expected s3://bucket/prefix)`);
  return { bucket, key: slash < 0 ? '' : rest.slice(slash + 1) };
}

/** Builds `s3://bucket/key`. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** True when the pattern has glob characters. */
export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Splits a glob into the literal directory before its first glob character and the
 * rest, e.g. `data/2024/*.csv` → `['data/2024', '*.csv']`.
 */
export function splitGlob(pattern: string): { base: string; rest: string } {
  const parts = pattern.split('/');
  const i = parts.findIndex((p) => hasGlob(p));
  if (i < 0) return { base: pattern, rest: '' };
  return { base: parts.slice(0, i).join('/'), rest: parts.slice(i).join('/') };
}

/**
 * Compiles a glob into a RegExp over `/`-separated paths: `*` matches within one
 * segment, `**` any number of segments (including none), `?` one character, `[...]` a class.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        re += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** How deep a walk must go for a glob rest: Infinity with `**`, else its segment count. */
export function globDepth(rest: string): number {
  return rest.includes('**') ? Infinity : rest.split('/').length;
}

/**
 * Names a directory walk skips, like Ray and Arrow do: hidden files and folders
 * (`.tmp-<uuid>` of an unfinished write) and markers such as `_SUCCESS`.
 */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** True when some segment of a relative path is hidden. */
export function hasHiddenSegment(relPath: string): boolean {
  return relPath.split('/').some((s) => s !== '' && isHiddenName(s));
}

/** True when the path ends with one of the extensions (no dot, case-insensitive); no list means any. */
export function hasExtension(path: string, extensions: readonly string[] | undefined): boolean {
  if (!extensions || extensions.length === 0) return true;
  const lower = path.toLowerCase();
  return extensions.some((e) => lower.endsWith(`.${e.toLowerCase().replace(/^\./, '')}`));
}

/** Joins a directory (local or `s3://`) and a name with one `/`. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/** The last segment of a path. */
export function baseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
