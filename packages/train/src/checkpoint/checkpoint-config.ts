/**
 * Ray Train's `CheckpointConfig`: how many checkpoints of a run to keep and how to rank
 * them. {@link resolveCheckpointConfig} validates it once into a frozen, complete object.
 */

/** Which checkpoints a run keeps. */
export interface CheckpointConfig {
  /**
   * How many checkpoints to keep (the best by score, or the most recent without a score
   * attribute). The latest checkpoint is always kept as well, to resume from.
   * @default undefined: keep all
   */
  numToKeep?: number;
  /**
   * Metric that ranks checkpoints; nested keys join with `/` (`'val/loss'`). Every
   * report with a checkpoint must carry it as a number.
   * @default undefined: rank by recency
   */
  checkpointScoreAttribute?: string;
  /** Whether a higher (`'max'`) or lower (`'min'`) score is better. @default 'max' */
  checkpointScoreOrder?: 'max' | 'min';
}

/** {@link CheckpointConfig} after validation: complete and frozen. */
export interface ResolvedCheckpointConfig {
  readonly numToKeep: number | undefined;
  readonly checkpointScoreAttribute: string | undefined;
  readonly checkpointScoreOrder: 'max' | 'min';
}

/**
 * Validates and completes a checkpoint config.
 * @throws TypeError when a field has the wrong type (names the field).
 * @throws RangeError when `numToKeep` is not an integer ≥ 1 or `checkpointScoreOrder` is not `'max'`/`'min'`.
 */
export function resolveCheckpointConfig(config: CheckpointConfig = {}): ResolvedCheckpointConfig {
  if (typeof config !== 'object' || config === null) throw new TypeError('checkpointConfig must be an object');
  const { numToKeep, checkpointScoreAttribute, checkpointScoreOrder = 'max' } = config;
  if (numToKeep !== undefined) {
    if (typeof numToKeep !== 'number') throw new TypeError(`checkpointConfig.numToKeep must be a number, got ${typeof numToKeep}`);
    if (!Number.isInteger(numToKeep) || numToKeep < 1) {
      throw new RangeError(`checkpointConfig.numToKeep must be an integer >= 1 (or undefined to keep all), got ${numToKeep}`);
    }
  }
  if (checkpointScoreAttribute !== undefined && (typeof checkpointScoreAttribute !== 'string' || checkpointScoreAttribute.length === 0)) {
    throw new TypeError('checkpointConfig.checkpointScoreAttribute must be a non-empty string');
  }
  if (typeof checkpointScoreOrder !== 'string') {
    throw new TypeError(`checkpointConfig.checkpointScoreOrder must be 'max' or 'min', got ${typeof checkpointScoreOrder}`);
  }
  if (checkpointScoreOrder !== 'max' && checkpointScoreOrder !== 'min') {
    throw new RangeError(`checkpointConfig.checkpointScoreOrder must be 'max' or 'min', got '${checkpointScoreOrder}'`);
  }
  return Object.freeze({ numToKeep, checkpointScoreAttribute, checkpointScoreOrder });
}
