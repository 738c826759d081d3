/**
 * GridWorld-v0: a small deterministic grid (no Gymnasium counterpart; in the spirit of
 * FrozenLake without slipping). The default 5x5 layout, rows top to bottom:
 *
 * ```
 * S . . . .
 * . P . P .
 * . . . . .
 * . P . P .
 * . . . . G
 * ```
 *
 * - Observation: `Discrete(size * size)`, the cell index `row * size + col`.
 * - Actions: `Discrete(4)`, FrozenLake's order: 0 = left, 1 = down, 2 = right, 3 = up.
 *   A move into the outer wall leaves the agent where it is.
 * - Reward: `goalReward` (+1) on reaching G, `pitReward` (-1) on falling into a pit P,
 *   `stepReward` (-0.01) for any other step. Reaching G or a pit terminates; truncation
 *   (100 steps by default) comes from the `TimeLimit` wrapper.
 * - Every episode starts at S; the env draws no random numbers.
 */
import type { Action, DiscreteSpace, StepResult } from './env.js';
import { BaseEnv } from './base-env.js';
import { discrete } from './spaces.js';

/** A cell `[row, col]`, row 0 at the top. */
export type Cell = readonly [number, number];

/** Options of {@link GridWorldEnv}. */
export interface GridWorldOptions {
  /** Side of the square grid. @default 5 */
  readonly size?: number;
  /** Start cell. @default [0, 0] */
  readonly start?: Cell;
  /** Goal cell. @default [size - 1, size - 1] */
  readonly goal?: Cell;
  /** Pit cells. @default [[1, 1], [1, 3], [3, 1], [3, 3]] (only the default size) */
  readonly pits?: readonly Cell[];
  /** Reward on reaching the goal. @default 1 */
  readonly goalReward?: number;
  /** Reward on falling into a pit. @default -1 */
  readonly pitReward?: number;
  /** Reward for any other step. @default -0.01 */
  readonly stepReward?: number;
}

/** Row and column change of each action (left, down, right, up). */
const MOVES: readonly Cell[] = [[0, -1], [1, 0], [0, 1], [-1, 0]];

/** GridWorld-v0 (see the module comment for the layout and rewards). */
export class GridWorldEnv extends BaseEnv {
  /** `Discrete(size * size)`: the agent's cell index. */
  readonly observationSpace: DiscreteSpace;
  /** `Discrete(4)`: left, down, right, up. */
  readonly actionSpace = discrete(4);
  /** The resolved options (frozen). */
  readonly options: Readonly<Required<GridWorldOptions>>;
  private readonly pitSet: Set<number>;
  private pos = 0;

  /** @throws TypeError/RangeError naming the bad option (cells outside the grid, start on a pit or the goal) */
  constructor(options: GridWorldOptions = {}) {
    super();
    const size = options.size ?? 5;
    if (!Number.isSafeInteger(size) || size < 2) throw new RangeError(`size must be an integer >= 2, got ${String(size)}`);
    const cell = (field: string, c: unknown): Cell => {
      if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => Number.isInteger(v) && v >= 0 && v < size)) {
        throw new RangeError(`${field} must be a [row, col] pair inside the ${size}x${size} grid, got ${JSON.stringify(c)}`);
      }
      return [c[0], c[1]] as const;
    };
    const num = (field: string, v: unknown, dflt: number): number => {
      if (v === undefined) return dflt;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${field} must be a finite number, got ${String(v)}`);
      return v;
    };
    const start = cell('start', options.start ?? [0, 0]);
    const goal = cell('goal', options.goal ?? [size - 1, size - 1]);
    const defaultPits: Cell[] = size === 5 ? [[1, 1], [1, 3], [3, 1], [3, 3]] : [];
    const pitsIn = options.pits ?? defaultPits;
    if (!Array.isArray(pitsIn)) throw new TypeError('pits must be an array of [row, col] pairs');
    const pits = pitsIn.map((p, i) => cell(`pits[${i}]`, p));
    const idx = (c: Cell) => c[0] * size + c[1];
    this.pitSet = new Set(pits.map(idx));
    if (this.pitSet.has(idx(start))) throw new RangeError('start must not be a pit');
    if (this.pitSet.has(idx(goal))) throw new RangeError('goal must not be a pit');
    if (idx(start) === idx(goal)) throw new RangeError('start must differ from goal');
    this.options = Object.freeze({
      size, start, goal, pits: Object.freeze(pits),
      goalReward: num('goalReward', options.goalReward, 1),
      pitReward: num('pitReward', options.pitReward, -1),
      stepReward: num('stepReward', options.stepReward, -0.01),
    });
    this.observationSpace = discrete(size * size);
  }

  /** The agent's cell index (`row * size + col`). */
  getState(): number {
    return this.pos;
  }

  /**
   * Puts the agent on cell index `state`; stepping is allowed after it.
   * @throws RangeError when `state` is not a cell index
   */
  setState(state: number): number {
    if (!Number.isInteger(state) || state < 0 || state >= this.observationSpace.n) {
      throw new RangeError(`state must be a cell index in [0, ${this.observationSpace.n}), got ${String(state)}`);
    }
    this.pos = state;
    this.markStarted();
    return this.pos;
  }

  protected resetState(): number {
    this.pos = this.options.start[0] * this.options.size + this.options.start[1];
    return this.pos;
  }

  protected stepState(action: Action): StepResult {
    this.checkAction(action);
    const { size, goal } = this.options;
    const [dr, dc] = MOVES[action as number]!;
    const row = Math.min(Math.max(Math.floor(this.pos / size) + dr, 0), size - 1);
    const col = Math.min(Math.max((this.pos % size) + dc, 0), size - 1);
    this.pos = row * size + col;
    let reward = this.options.stepReward;
    let terminated = false;
    if (this.pos === goal[0] * size + goal[1]) {
      reward = this.options.goalReward;
      terminated = true;
    } else if (this.pitSet.has(this.pos)) {
      reward = this.options.pitReward;
      terminated = true;
    }
    return { obs: this.pos, reward, terminated, truncated: false, info: {} };
  }
}
