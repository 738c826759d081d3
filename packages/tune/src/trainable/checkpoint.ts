/**
 * A trial's saved state. In this first version a checkpoint is JSON-serializable data (a
 * dict, as `Checkpoint.from_dict` in older Ray); the driver writes it to
 * `<trialDir>/checkpoint_<iteration>/checkpoint.json` so a restored sweep can resume from it.
 */

/** Saved state of a trial: plain JSON-serializable data. */
export class Checkpoint {
  private constructor(private readonly data: Readonly<Record<string, unknown>>) {}
  /** A checkpoint holding `data` (must be JSON-serializable; it is copied). */
  static fromDict(data: Record<string, unknown>): Checkpoint {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('Checkpoint.fromDict(data) needs a plain object');
    return new Checkpoint(JSON.parse(JSON.stringify(data)) as Record<string, unknown>);
  }
  /** A copy of the data. */
  toDict(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.data)) as Record<string, unknown>;
  }
}
