/**
 * Packaging of a driver's working directory, like Ray's `runtime_env={"working_dir": "."}`.
 *
 * The driver packs its code directory into a deterministic `.tar.gz` whose name is
 * its content hash ({@link packWorkingDir}); the bytes go to the head's KV store
 * under that `wd://` URI. A node that lacks the package downloads the bytes and
 * unpacks them into its cache ({@link unpackWorkingDir}) before starting workers
 * that run from it. Nodes never read the driver's files by path.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync, type Stats } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, realpath, rename, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { create as tarCreate, extract as tarExtract, type ReadEntry } from 'tar';
import { RayError, registerErrorClass } from '../errors.js';
import { compileExcludes, type ExcludeMatcher } from './exclude-patterns.js';

/** A working directory could not be packed, verified or unpacked; the message says why and what to do. */
export class WorkingDirError extends RayError {
  override readonly code = 'WORKING_DIR';
  /** The directory concerned (the driver's directory when packing, the cache directory when unpacking). */
  readonly dir: string | undefined;
  /** The package's `wd://` URI, when known. */
  readonly uri: string | undefined;
  constructor(message: string, options: { dir?: string; uri?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.dir = options.dir;
    this.uri = options.uri;
  }
}
registerErrorClass(WorkingDirError);

/** Options of {@link packWorkingDir}. */
export interface PackOptions {
  /**
   * Gitignore-style patterns of paths to leave out, relative to the directory:
   * `name`, `dir/`, `*.log`, `**\/foo`, `/anchored` (see `exclude-patterns.ts`).
   * `node_modules` and `.git` are always left out.
   * @default []
   */
  excludes?: string[];
  /**
   * Largest package (compressed bytes) allowed; packing fails with a {@link WorkingDirError} beyond it.
   * @default 104857600 (100 MiB, Ray's limit)
   */
  maxBytes?: number;
}

/** A packed working directory. */
export interface PackedWorkingDir {
  /** Content address of the package: `wd://<first 32 hex chars of sha256(bytes)>.tar.gz`. */
  uri: string;
  /** The `.tar.gz` bytes. */
  bytes: Uint8Array;
  /** Number of files in the package. */
  files: number;
  /** Total size of those files in bytes, before compression (`bytes.length` is the packed size). */
  size: number;
}

/** Default {@link PackOptions.maxBytes}: 100 MiB, like Ray's working_dir limit. */
export const DEFAULT_WORKING_DIR_MAX_BYTES = 100 * 1024 * 1024;
/** Names never packed, at any depth. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);
/** Every entry gets this mtime so that the same tree yields the same bytes. */
const FIXED_MTIME = new Date(0);
const URI_RE = /^wd:\/\/([0-9a-f]{32})\.tar\.gz$/;

/** True if `s` is a working-directory package URI (`wd://<32 hex>.tar.gz`). */
export function isWorkingDirUri(s: string): boolean {
  return typeof s === 'string' && URI_RE.test(s);
}

function hashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

function resolvePackOptions(opts: PackOptions): Readonly<{ excludes: ExcludeMatcher; maxBytes: number }> {
  const { excludes = [], maxBytes = DEFAULT_WORKING_DIR_MAX_BYTES } = opts;
  if (!Array.isArray(excludes)) throw new TypeError('options.excludes must be an array of strings');
  if (typeof maxBytes !== 'number' || !(maxBytes > 0) || !Number.isFinite(maxBytes)) {
    throw new RangeError(`options.maxBytes must be a positive number of bytes, got ${String(maxBytes)}`);
  }
  return Object.freeze({ excludes: compileExcludes(excludes, 'options.excludes'), maxBytes });
}

interface WalkResult {
  /** Archive paths (`/`-separated), directories before their contents, in a fixed order. */
  paths: string[];
  /** Normalised stats keyed by absolute path, handed to tar so it packs what we walked. */
  stats: Map<string, Stats>;
  files: number;
  size: number;
  largest: { path: string; size: number }[];
  skippedLinks: string[];
}

/**
 * Packs `dir` into a deterministic `.tar.gz` (sorted entries, fixed mtime, no owner
 * fields, modes normalised to 0644/0755, hard links stored as plain files), so the
 * same tree always yields the same bytes and URI on a given Node (zlib) version.
 *
 * Symbolic links that resolve inside `dir` are packed as the files (or directories)
 * they point to; links that point outside `dir`, dangling links and link cycles are
 * skipped with one warning.
 *
 * @throws WorkingDirError if `dir` is missing or not a directory, or the package exceeds `maxBytes`.
 * @throws TypeError / RangeError synchronously-rejected for a bad option.
 */
export async function packWorkingDir(dir: string, opts: PackOptions = {}): Promise<PackedWorkingDir> {
  const { excludes, maxBytes } = resolvePackOptions(opts);
  const root = resolve(dir);
  let rootStat: Stats;
  try {
    rootStat = await stat(root);
  } catch (cause) {
    throw new WorkingDirError(`Working directory ${root} does not exist. Pass an existing directory as workingDir.`, { dir: root, cause });
  }
  if (!rootStat.isDirectory()) {
    throw new WorkingDirError(`Working directory ${root} is not a directory. Pass the directory that holds your code as workingDir.`, { dir: root });
  }
  const walked = await walk(root, excludes);
  if (walked.skippedLinks.length > 0) {
    const shown = walked.skippedLinks.slice(0, 3).join(', ');
    const more = walked.skippedLinks.length > 3 ? ` and ${walked.skippedLinks.length - 3} more` : '';
    console.warn(
      `[ray-ts] warning: working directory ${root}: skipped ${walked.skippedLinks.length} symbolic link(s) that point outside it, ` +
        `dangle or form a cycle: ${shown}${more}. Copy their targets into the directory if workers need them.`,
    );
  }
  const pack = tarCreate(
    {
      cwd: root,
      gzip: true,
      portable: true, // no uid/gid/uname/atime/ctime; portable gzip header
      mtime: FIXED_MTIME,
      follow: true, // links inside were vetted by walk(): pack their targets
      noDirRecurse: true, // walk() listed every entry, in order
      strict: true,
      statCache: walked.stats,
    },
    // tar reads a leading '@' as "append this archive"; './' keeps such names literal.
    walked.paths.map((p) => (p.startsWith('@') ? `./${p}` : p)),
  );
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of pack) {
      total += chunk.length;
      if (total > maxBytes) break;
      chunks.push(chunk);
    }
  } catch (cause) {
    throw new WorkingDirError(`Packing working directory ${root} failed: ${(cause as Error).message}. Check that its files are readable.`, { dir: root, cause });
  }
  if (total > maxBytes) {
    pack.destroy();
    const largest = walked.largest.map((f) => `${f.path} (${formatBytes(f.size)})`).join(', ');
    throw new WorkingDirError(
      `Working directory ${root} packs to more than ${formatBytes(maxBytes)} (${maxBytes} bytes, the maxBytes limit): ` +
        `${walked.files} files, ${formatBytes(walked.size)} (${walked.size} bytes) before compression; largest: ${largest}. ` +
        `Leave large or generated files out with excludes (e.g. excludes: ['data/', '*.ckpt']), or raise maxBytes.`,
      { dir: root },
    );
  }
  const bytes = new Uint8Array(Buffer.concat(chunks, total));
  return { uri: `wd://${hashOf(bytes)}.tar.gz`, bytes, files: walked.files, size: walked.size };
}

async function walk(root: string, excluded: ExcludeMatcher): Promise<WalkResult> {
  const rootReal = await realpath(root);
  const out: WalkResult = { paths: [], stats: new Map(), files: 0, size: 0, largest: [], skippedLinks: [] };
  const fileSizes: { path: string; size: number }[] = [];
  // `realStack` holds the real paths of the directories being walked, to stop link cycles.
  const visit = async (absDir: string, relDir: string, realDir: string, realStack: Set<string>): Promise<void> => {
    const names = (await readdir(absDir)).sort(compareCodeUnits);
    for (const name of names) {
      if (ALWAYS_SKIPPED.has(name)) continue;
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const abs = join(absDir, name);
      let st = await lstat(abs);
      let real = join(realDir, name);
      if (st.isSymbolicLink()) {
        try {
          real = await realpath(abs);
          st = await stat(abs);
        } catch {
          out.skippedLinks.push(rel); // dangling
          continue;
        }
        if (real !== rootReal && !real.startsWith(rootReal + sep)) {
          out.skippedLinks.push(rel);
          continue;
        }
      }
      const isDir = st.isDirectory();
      if (!isDir && !st.isFile()) continue; // sockets, FIFOs, devices
      if (excluded(rel, isDir)) continue;
      if (isDir && (real === rootReal || realStack.has(real))) {
        out.skippedLinks.push(rel); // cycle
        continue;
      }
      out.paths.push(rel);
      out.stats.set(resolve(root, rel), normaliseStat(st, isDir));
      if (isDir) {
        realStack.add(real);
        await visit(abs, rel, real, realStack);
        realStack.delete(real);
      } else {
        out.files++;
        out.size += st.size;
        fileSizes.push({ path: rel, size: st.size });
      }
    }
  };
  await visit(root, '', rootReal, new Set());
  out.largest = fileSizes.sort((a, b) => b.size - a.size).slice(0, 3);
  return out;
}

/** Fixes the fields tar writes from a stat: mode 0644/0755, and nlink 1 so hard links are packed as files. */
function normaliseStat(st: Stats, isDir: boolean): Stats {
  const perm = isDir || (st.mode & 0o111) !== 0 ? 0o755 : 0o644;
  st.mode = (st.mode & ~0o7777) | perm;
  st.nlink = 1;
  return st;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

const unpacking = new Map<string, Promise<string>>();

/**
 * Unpacks a package made by {@link packWorkingDir} into `<cacheRoot>/<hash>/` and returns that directory.
 *
 * The bytes must hash to the URI. Extraction goes into a temporary directory that is
 * renamed into place, so the directory is either complete or absent; if it exists
 * already it is returned as is. Concurrent calls in one process share one extraction;
 * across processes the loser of the rename race uses the winner's directory.
 * Entries that would escape the directory (absolute paths, `..`) and links are refused.
 *
 * @param nodeModules - when given (see {@link findNodeModules}) and the package has no
 *   `node_modules`, `<dir>/node_modules` is made a symbolic link to it, so bare imports
 *   such as `@ray-ts/core` resolve from the node's installation.
 * @throws WorkingDirError if the URI is malformed, the bytes do not match it, or the archive is bad or unsafe.
 */
export async function unpackWorkingDir(uri: string, bytes: Uint8Array, cacheRoot: string, nodeModules?: string): Promise<string> {
  const m = URI_RE.exec(uri);
  if (!m) throw new WorkingDirError(`'${uri}' is not a working-directory URI (expected wd://<32 hex>.tar.gz).`, { uri });
  const hash = m[1]!;
  const actual = hashOf(bytes);
  if (actual !== hash) {
    throw new WorkingDirError(
      `The package downloaded for ${uri} is corrupt: its bytes hash to ${actual}. Upload the working directory again (re-run the driver).`,
      { uri },
    );
  }
  const finalDir = join(resolve(cacheRoot), hash);
  let p = unpacking.get(finalDir);
  if (!p) {
    p = unpackOnce(uri, bytes, finalDir, nodeModules).finally(() => unpacking.delete(finalDir));
    unpacking.set(finalDir, p);
  }
  return p;
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

async function unpackOnce(uri: string, bytes: Uint8Array, finalDir: string, nodeModules: string | undefined): Promise<string> {
  if (await isDirectory(finalDir)) return finalDir;
  const cacheRoot = dirname(finalDir);
  await mkdir(cacheRoot, { recursive: true });
  const tmp = await mkdtemp(join(cacheRoot, '.tmp-'));
  try {
    await extractInto(tmp, bytes, uri);
    if (nodeModules !== undefined && !existsSync(join(tmp, 'node_modules'))) {
      await symlink(resolve(nodeModules), join(tmp, 'node_modules'), 'dir');
    }
    try {
      await rename(tmp, finalDir);
    } catch (err) {
      // Another process renamed its copy into place first: use it.
      if (!(await isDirectory(finalDir))) throw err;
      await rm(tmp, { recursive: true, force: true });
    }
    return finalDir;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (err instanceof WorkingDirError) throw err;
    throw new WorkingDirError(`Unpacking ${uri} into ${finalDir} failed: ${(err as Error).message}. Check free disk space and permissions of the cache directory.`, {
      uri,
      dir: finalDir,
      cause: err,
    });
  }
}

const SAFE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/** Why an archive entry is unsafe to extract, or undefined if it is fine. */
function unsafeEntry(path: string, type: string): string | undefined {
  if (!SAFE_TYPES.has(type)) return `entry '${path}' is a ${type}; only files and directories are allowed`;
  if (path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path)) return `entry '${path}' has an absolute path`;
  if (path.split(/[\\/]/).includes('..')) return `entry '${path}' escapes the directory with '..'`;
  return undefined;
}

async function extractInto(dir: string, bytes: Uint8Array, uri: string): Promise<void> {
  let refused: string | undefined;
  const unpack = tarExtract({
    cwd: dir,
    strict: true,
    noMtime: true,
    preserveOwner: false,
    filter: (path, entry) => {
      const why = unsafeEntry(path, (entry as ReadEntry).type);
      refused ??= why;
      return why === undefined;
    },
  });
  try {
    await new Promise<void>((resolveDone, reject) => {
      unpack.on('error', reject);
      unpack.on('close', () => resolveDone());
      unpack.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  } catch (cause) {
    throw new WorkingDirError(`The package ${uri} is not a valid working-directory archive: ${(cause as Error).message}.`, { uri, cause });
  }
  if (refused !== undefined) {
    throw new WorkingDirError(`Refused to unpack ${uri}: ${refused}. Working-directory packages must come from packWorkingDir().`, { uri });
  }
}

/**
 * Walks up from `fromDir` to the first `node_modules` directory that contains `pkg`,
 * e.g. to give {@link unpackWorkingDir} the node's own installation.
 * @returns the `node_modules` path, or undefined if no ancestor has one with `pkg`.
 */
export function findNodeModules(fromDir: string, pkg = '@ray-ts/core'): string | undefined {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(join(candidate, pkg)) && statSync(candidate).isDirectory()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
