/**
 * The checkpoint bookkeeping of a run (Ray Train's `_CheckpointManager`): persists each
 * reported checkpoint into the run directory as `checkpoint_000000`, `checkpoint_000001`,
 * ..., keeps the top-K by score (or the K most recent), deletes evicted ones from
 * storage but never the latest (it is what a restarted run resumes from), and saves its
 * state to `checkpoint_manager.json` after every change so that a restored run can
 * rebuild it ({@link CheckpointManager.load}).
 */
import { Checkpoint } from './checkpoint.js';
import { resolveCheckpointConfig, type CheckpointConfig, type ResolvedCheckpointConfig } from './checkpoint-config.js';
import { CheckpointNotFoundError, StorageNotFoundError } from './errors.js';
import { compareRanked, scoreOf } from './score.js';
import { decodeState, encodeState, STATE_FILE } from './manager-state.js';
import { checkpointDirName, type RunStorage } from '../storage/run-storage.js';
import { copyTree } from '../storage/tree.js';

/** A persisted checkpoint with the metrics reported with it. */
export interface CheckpointResult {
  /** The checkpoint in the run directory. */
  readonly checkpoint: Checkpoint;
  /** The metrics reported with it. */
  readonly metrics: Record<string, unknown>;
  /** Its index: the `N` of `checkpoint_00000N`. */
  readonly index: number;
}

type Ranked = CheckpointResult & { score: number };

/** Keeps the checkpoints of one run. Constructing does no I/O. */
export class CheckpointManager {
  /** File name of the saved state in the run directory. */
  static readonly STATE_FILE = STATE_FILE;
  /** Storage of the run. */
  readonly storage: RunStorage;
  /** The resolved, frozen checkpoint config. */
  readonly config: ResolvedCheckpointConfig;
  /** Kept results, worst first. */
  private ranked: Ranked[] = [];
  private latestResult: CheckpointResult | undefined;
  private next = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * @param storage storage of the run; checkpoints go to its run directory
   * @param checkpointConfig which checkpoints to keep. @default keep all, rank by recency
   * @throws TypeError / RangeError naming a bad `checkpointConfig` field.
   */
  constructor(storage: RunStorage, checkpointConfig?: CheckpointConfig) {
    if (typeof storage !== 'object' || storage === null || typeof storage.checkpointPath !== 'function') {
      throw new TypeError('storage must be a RunStorage');
    }
    this.storage = storage;
    this.config = resolveCheckpointConfig(checkpointConfig);
  }

  /** Index the next checkpoint copied in by {@link register} gets (one past the highest index seen). */
  get nextIndex(): number {
    return this.next;
  }

  /** The most recently registered checkpoint. */
  get latest(): CheckpointResult | undefined {
    return this.latestResult;
  }

  /** The best kept checkpoint by score (without a score attribute: the latest). */
  get best(): CheckpointResult | undefined {
    return strip(this.ranked[this.ranked.length - 1]);
  }

  /** Kept checkpoints with their metrics, best first (without a score attribute: newest first). */
  get bestCheckpoints(): Array<[Checkpoint, Record<string, unknown>]> {
    return [...this.ranked].reverse().map((r) => [r.checkpoint, r.metrics]);
  }

  /** Kept checkpoints in the order they were reported. */
  get checkpoints(): CheckpointResult[] {
    return [...this.ranked].sort((a, b) => a.index - b.index).map((r) => strip(r)!);
  }

  /**
   * Records a reported checkpoint. A checkpoint already at `<root>/checkpoint_<N>` (a
   * worker persisted it) is adopted in place with index N; any other (a local temp dir,
   * elsewhere on S3) is copied to `checkpoint_<nextIndex>`. Then the worst beyond
   * `numToKeep` (never the latest) are evicted and deleted, and the state is saved.
   * Calls are serialized.
   * @throws CheckpointScoreAttributeError when the metrics lack the score attribute (nothing is persisted).
   * @throws CheckpointNotFoundError when the reported checkpoint directory has no files.
   */
  register(checkpoint: Checkpoint, metrics: Record<string, unknown>): Promise<CheckpointResult> {
    if (!(checkpoint instanceof Checkpoint)) throw new TypeError('checkpoint must be a Checkpoint');
    if (typeof metrics !== 'object' || metrics === null) throw new TypeError('metrics must be an object');
    const { checkpointScoreAttribute: attr, checkpointScoreOrder: order } = this.config;
    const score = attr === undefined ? 0 : scoreOf(metrics, attr, order); // throws before anything is stored
    const run = this.queue.then(() => this.persist(checkpoint, metrics, score));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The index of a checkpoint that already sits in the run directory as `checkpoint_<N>` (and is not recorded yet). */
  private inPlaceIndex(checkpoint: Checkpoint): number | undefined {
    const root = this.storage.root;
    if (!checkpoint.path.startsWith(root)) return undefined;
    const m = /^[/\\](checkpoint_(\d+))$/.exec(checkpoint.path.slice(root.length));
    if (!m || this.storage.join(m[1]!) !== checkpoint.path) return undefined;
    const index = Number(m[2]);
    return this.ranked.some((r) => r.index === index) ? undefined : index;
  }

  private async persist(source: Checkpoint, metrics: Record<string, unknown>, score: number): Promise<CheckpointResult> {
    let index = this.inPlaceIndex(source);
    if (index === undefined) {
      index = this.next;
      const dest = this.storage.checkpointPath(index);
      await this.storage.remove(dest); // leftovers of an attempt that died mid-upload
      try {
        await copyTree(source.path, dest, { src: source.s3, dst: this.storage.s3 }, 'persist checkpoint');
      } catch (err) {
        throw err instanceof StorageNotFoundError ? new CheckpointNotFoundError(source.path, 'register', { cause: err }) : err;
      }
    }
    this.next = Math.max(this.next, index + 1);
    const result: Ranked = {
      checkpoint: Checkpoint.fromDirectory(this.storage.checkpointPath(index), { s3: this.storage.s3 }),
      metrics,
      index,
      score,
    };
    this.insert(result);
    this.latestResult = strip(result);
    const evicted = this.evict();
    await this.saveState();
    for (const r of evicted) await this.storage.remove(r.checkpoint.path);
    return this.latestResult!;
  }

  private insert(r: Ranked): void {
    let i = this.ranked.length;
    while (i > 0 && compareRanked(this.ranked[i - 1]!, r) > 0) i--;
    this.ranked.splice(i, 0, r);
  }

  /** Drops the worst beyond numToKeep, except the latest; returns what was dropped. */
  private evict(): Ranked[] {
    const k = this.config.numToKeep;
    if (k === undefined || this.ranked.length <= k) return [];
    const latest = this.latestResult?.index;
    const worst = this.ranked.slice(0, this.ranked.length - k).filter((r) => r.index !== latest);
    const drop = new Set(worst.map((r) => r.index));
    this.ranked = this.ranked.filter((r) => !drop.has(r.index));
    return worst;
  }

  /** Writes `checkpoint_manager.json` into the run directory (done after every register). */
  async saveState(): Promise<void> {
    await this.storage.writeJson(STATE_FILE, JSON.parse(encodeState({
      config: this.config,
      nextIndex: this.next,
      latestIndex: this.latestResult?.index,
      results: this.ranked.map((r) => ({ index: r.index, dirName: checkpointDirName(r.index), metrics: r.metrics })),
    })));
  }

  /**
   * Rebuilds the manager of a run from `checkpoint_manager.json` in its run directory.
   * Without a state file the manager is empty, numbering after any `checkpoint_*`
   * directories already there (so none is overwritten).
   * @param checkpointConfig overrides the saved config. @default the saved config
   * @throws CheckpointManagerStateError when the state file is malformed.
   */
  static async load(storage: RunStorage, checkpointConfig?: CheckpointConfig): Promise<CheckpointManager> {
    if (!(await storage.exists(STATE_FILE))) {
      const manager = new CheckpointManager(storage, checkpointConfig);
      const indices = (await storage.listDirs()).map((d) => /^checkpoint_(\d+)$/.exec(d)?.[1]).filter((x) => x !== undefined).map(Number);
      manager.next = indices.length ? Math.max(...indices) + 1 : 0;
      return manager;
    }
    const path = storage.join(STATE_FILE);
    const state = decodeState(await storage.readJson(STATE_FILE), path);
    const manager = new CheckpointManager(storage, checkpointConfig ?? state.config);
    const { checkpointScoreAttribute: attr, checkpointScoreOrder: order } = manager.config;
    for (const r of state.results) {
      const checkpoint = Checkpoint.fromDirectory(storage.join(r.dirName), { s3: storage.s3 });
      const ranked: Ranked = { checkpoint, metrics: r.metrics, index: r.index, score: attr === undefined ? 0 : scoreOf(r.metrics, attr, order) };
      manager.insert(ranked);
      if (r.index === state.latestIndex) manager.latestResult = strip(ranked);
    }
    manager.next = state.nextIndex;
    return manager;
  }
}

/** The public view of a ranked entry (without its internal score). */
function strip(r: Ranked | undefined): CheckpointResult | undefined {
  return r && { checkpoint: r.checkpoint, metrics: r.metrics, index: r.index };
}
