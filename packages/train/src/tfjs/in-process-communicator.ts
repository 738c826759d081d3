/**
 * A fake `Communicator` for tests and single-process experiments: `worldSize` simulated
 * workers in one process that meet in each collective through promises. Collectives are
 * matched by call order (the n-th call of every rank forms one round), as in a real
 * collective group.
 */
import type { Communicator, ReduceOp } from './communicator.js';
import { TfjsCollectiveMismatchError } from './errors.js';

interface Round {
  readonly signature: string;
  readonly length: number;
  readonly buffers: Array<Float32Array | undefined>;
  readonly waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
  arrived: number;
}

/** Shared state of one simulated group. */
class Group {
  readonly #rounds = new Map<number, Round>();
  /** Rounds that failed, so ranks arriving late fail too instead of waiting forever. */
  readonly #failed = new Map<number, unknown>();
  readonly #sequence: number[];
  constructor(readonly worldSize: number) {
    this.#sequence = new Array<number>(worldSize).fill(0);
  }

  join(rank: number, buf: Float32Array, operation: string, signature: string, finish: (bufs: Float32Array[]) => void): Promise<void> {
    const seq = this.#sequence[rank]!++;
    if (this.#failed.has(seq)) return Promise.reject(this.#failed.get(seq));
    let round = this.#rounds.get(seq);
    if (round === undefined) {
      round = { signature, length: buf.length, buffers: new Array(this.worldSize), waiters: [], arrived: 0 };
      this.#rounds.set(seq, round);
    }
    const current = round;
    return new Promise<void>((resolve, reject) => {
      current.waiters.push({ resolve, reject });
      if (current.signature !== signature || current.length !== buf.length) {
        const detail = `rank ${rank} called ${signature} on ${buf.length} elements, another rank ${current.signature} on ${current.length}`;
        this.#fail(seq, current, new TfjsCollectiveMismatchError(operation, detail));
        return;
      }
      current.buffers[rank] = buf;
      current.arrived += 1;
      if (current.arrived < this.worldSize) return;
      this.#rounds.delete(seq);
      try {
        finish(current.buffers as Float32Array[]);
      } catch (err) {
        for (const w of current.waiters) w.reject(err);
        return;
      }
      for (const w of current.waiters) w.resolve();
    });
  }

  #fail(seq: number, round: Round, err: unknown): void {
    this.#rounds.delete(seq);
    this.#failed.set(seq, err);
    for (const w of round.waiters) w.reject(err);
  }
}

function reduce(buffers: Float32Array[], op: ReduceOp): void {
  const n = buffers[0]!.length;
  const acc = new Float64Array(n);
  for (const b of buffers) for (let i = 0; i < n; i++) acc[i]! += b[i]!;
  if (op === 'mean') for (let i = 0; i < n; i++) acc[i]! /= buffers.length;
  for (const b of buffers) b.set(acc);
}

/**
 * Creates `worldSize` communicators that behave like the workers of one collective group
 * inside this process (rank i is element i). Reductions sum in float64 in rank order, so
 * every rank gets bit-identical results.
 *
 * @throws RangeError if `worldSize` is not a positive integer.
 */
export function createInProcessCommunicators(worldSize: number): Communicator[] {
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new RangeError('worldSize must be a positive integer');
  const group = new Group(worldSize);
  return Array.from({ length: worldSize }, (_, rank): Communicator => ({
    worldSize,
    rank,
    async allreduce(buf: Float32Array, op: ReduceOp): Promise<Float32Array> {
      await group.join(rank, buf, 'allreduce', `allreduce(${op})`, (bufs) => reduce(bufs, op));
      return buf;
    },
    async broadcast(buf: Float32Array, srcRank: number): Promise<Float32Array> {
      if (!Number.isInteger(srcRank) || srcRank < 0 || srcRank >= worldSize) {
        throw new RangeError(`srcRank must be an integer in [0, ${worldSize})`);
      }
      await group.join(rank, buf, 'broadcast', `broadcast(from ${srcRank})`, (bufs) => {
        const src = bufs[srcRank]!;
        for (const b of bufs) if (b !== src) b.set(src);
      });
      return buf;
    },
  }));
}
