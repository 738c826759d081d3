/**
 * The saved form of a {@link CheckpointManager}'s state, `checkpoint_manager.json` in the
 * run directory. Checkpoints are stored by directory name, relative to the run
 * directory, so a run directory that was moved or copied (S3 → local) restores as well.
 */
import type { CheckpointConfig } from './checkpoint-config.js';
import { CheckpointManagerStateError } from './errors.js';
import { toJsonSafe } from '../storage/json-safe.js';

/** File name of the state in the run directory. */
export const STATE_FILE = 'checkpoint_manager.json';

/** Version of the state format. */
const VERSION = 1;

/** The state of a checkpoint manager as plain data. */
export interface ManagerState {
  /** The config the run used. */
  config: CheckpointConfig;
  /** Index of the next checkpoint. */
  nextIndex: number;
  /** Index of the latest checkpoint, if any. */
  latestIndex: number | undefined;
  /** Kept checkpoints. */
  results: Array<{ index: number; dirName: string; metrics: Record<string, unknown> }>;
}

/** JSON text of a state (metrics made JSON-safe). */
export function encodeState(state: ManagerState): string {
  const config: CheckpointConfig = {};
  if (state.config.numToKeep !== undefined) config.numToKeep = state.config.numToKeep;
  if (state.config.checkpointScoreAttribute !== undefined) config.checkpointScoreAttribute = state.config.checkpointScoreAttribute;
  if (state.config.checkpointScoreOrder !== undefined) config.checkpointScoreOrder = state.config.checkpointScoreOrder;
  return toJsonSafe({ version: VERSION, ...state, config, latestIndex: state.latestIndex ?? null });
}

const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/**
 * Checks parsed JSON and returns the state.
 * @throws CheckpointManagerStateError naming what is wrong.
 */
export function decodeState(data: unknown, path: string): ManagerState {
  const bad = (detail: string): never => {
    throw new CheckpointManagerStateError(path, detail);
  };
  if (typeof data !== 'object' || data === null) return bad('it is not a JSON object');
  const d = data as Record<string, unknown>;
  if (d.version !== VERSION) bad(`unknown version ${JSON.stringify(d.version)} (expected ${VERSION})`);
  if (!isIndex(d.nextIndex)) bad('nextIndex is not a non-negative integer');
  if (d.latestIndex !== null && !isIndex(d.latestIndex)) bad('latestIndex is not an index or null');
  if (typeof d.config !== 'object' || d.config === null) bad('config is not an object');
  if (!Array.isArray(d.results)) return bad('results is not an array');
  const results = d.results.map((r: unknown, i) => {
    const x = r as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null || !isIndex(x.index) || typeof x.dirName !== 'string' || /[/\\]|^\.\.?$/.test(x.dirName)) {
      return bad(`results[${i}] is not { index, dirName, metrics }`);
    }
    if (typeof x.metrics !== 'object' || x.metrics === null) return bad(`results[${i}].metrics is not an object`);
    return { index: x.index, dirName: x.dirName, metrics: x.metrics as Record<string, unknown> };
  });
  return {
    config: d.config as CheckpointConfig,
    nextIndex: d.nextIndex as number,
    latestIndex: (d.latestIndex as number | null) ?? undefined,
    results,
  };
}
