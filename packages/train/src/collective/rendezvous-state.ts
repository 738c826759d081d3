/**
 * The state of one group's rendezvous, independent of the actor that hosts it: membership
 * (join, declared actor ranks, heartbeats), per-operation descriptors checked across ranks,
 * and the mailbox of messages keyed by (operation, source, destination, tag) where a
 * receiver waits for its message. A failure (mismatch, dead member, destroy) rejects the
 * waiters concerned instead of leaving them hanging.
 */
import { CollectiveGroupError, CollectiveMemberDiedError, CollectiveMismatchError, CollectiveTimeoutError } from './errors.js';

interface Waiter {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  payload?: { v: unknown };
  waiter?: Waiter;
}

interface OpRecord {
  desc: string;
  rank: number;
  failed?: Error;
  /** Mailbox keys of this operation. */
  keys: Set<string>;
}

/** How many past operations' descriptors are remembered (a rank cannot run further ahead than this). */
const OP_MEMORY = 4096;

/** Rendezvous state of one collective group. */
export class RendezvousState {
  private readonly lastSeen = new Map<number, number>();
  private readonly joinWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private readonly ops = new Map<number, OpRecord>();
  private readonly slots = new Map<string, Slot>();
  private broken?: Error;
  private readonly left = new Set<number>();
  /** Called with each payload dropped unread (so that the host can release object refs). */
  onDrop?: (payload: unknown) => void;

  constructor(
    readonly groupName: string,
    readonly worldSize: number,
    readonly memberTimeoutMs: number,
    /** Ranks of actors declared by `createCollectiveGroup`, by actor id. */
    private readonly declared: ReadonlyMap<string, number> = new Map(),
    private readonly now: () => number = Date.now,
  ) {}

  /** The declared rank of an actor, if the group was created over actor handles. */
  declaredRank(actorId: string): number | undefined {
    return this.declared.get(actorId);
  }

  /** Adds a member; resolves once all `worldSize` ranks joined. */
  join(rank: number, worldSize: number): Promise<void> {
    this.check();
    if (worldSize !== this.worldSize) {
      throw new CollectiveGroupError(this.groupName, `Rank ${rank} joined group '${this.groupName}' with worldSize ${worldSize}, but the group has worldSize ${this.worldSize}.`);
    }
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.worldSize) {
      throw new CollectiveGroupError(this.groupName, `Rank ${rank} is out of range for group '${this.groupName}' of size ${this.worldSize}.`);
    }
    if (this.lastSeen.has(rank)) {
      throw new CollectiveGroupError(this.groupName, `Rank ${rank} already joined group '${this.groupName}'. Give each member a distinct rank.`);
    }
    this.lastSeen.set(rank, this.now());
    if (this.lastSeen.size === this.worldSize) {
      for (const w of this.joinWaiters.splice(0)) w.resolve();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.joinWaiters.push({ resolve, reject }));
  }

  /** Number of ranks joined so far. */
  get joined(): number {
    return this.lastSeen.size;
  }

  /** Records that `rank` is alive. */
  heartbeat(rank: number): void {
    if (this.lastSeen.has(rank)) this.lastSeen.set(rank, this.now());
  }

  /** A member left (destroyed its group); returns true when it was the last one. */
  leave(rank: number): boolean {
    this.left.add(rank);
    this.lastSeen.delete(rank);
    return this.left.size >= this.worldSize;
  }

  /** Declares dead every joined member silent for longer than memberTimeoutMs; fails the group if any. */
  checkLiveness(): void {
    if (this.broken || this.lastSeen.size < this.worldSize - this.left.size) return;
    const t = this.now();
    for (const [rank, seen] of this.lastSeen) {
      if (t - seen > this.memberTimeoutMs) {
        this.fail(new CollectiveMemberDiedError(this.groupName, rank, t - seen));
        return;
      }
    }
  }

  /** Fails the whole group: every waiter now and every later call rejects with `err`. */
  fail(err: Error): void {
    if (this.broken) return;
    this.broken = err;
    for (const w of this.joinWaiters.splice(0)) w.reject(err);
    for (const slot of this.slots.values()) {
      slot.waiter?.reject(err);
      if (slot.payload) this.onDrop?.(slot.payload.v);
    }
    this.slots.clear();
  }

  /**
   * One step of a rank in operation `seq`: checks its descriptor against the other ranks',
   * posts its messages, and resolves with the messages it receives (in `recvs` order).
   */
  exchange(
    rank: number, seq: number, desc: string,
    sends: ReadonlyArray<readonly [dst: number, tag: string, payload: unknown]>,
    recvs: ReadonlyArray<readonly [src: number, tag: string]>,
    timeoutMs: number,
  ): Promise<unknown[]> {
    try {
      this.check();
      this.heartbeat(rank);
      const op = this.opRecord(rank, seq, desc);
      if (op.failed) throw op.failed;
      const gone = recvs.find(([src]) => this.left.has(src));
      if (gone) throw new CollectiveGroupError(this.groupName, `Rank ${gone[0]} left group '${this.groupName}' (destroyCollectiveGroup), so operation #${seq} cannot complete.`);
      for (const [dst, tag, payload] of sends) this.post(op, this.key(seq, rank, dst, tag), payload);
    } catch (err) {
      for (const [, , payload] of sends) this.onDrop?.(payload);
      return Promise.reject(err);
    }
    const op = this.ops.get(seq)!;
    const takes = recvs.map(([src, tag]) => this.take(op, this.key(seq, src, rank, tag)));
    if (takes.length === 0) return Promise.resolve([]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new CollectiveTimeoutError(this.groupName, `Operation #${seq} (${desc}) on rank ${rank}`, timeoutMs);
        this.failOp(op, err);
        reject(err);
      }, timeoutMs);
    });
    return Promise.race([Promise.all(takes), timeout]).finally(() => clearTimeout(timer));
  }

  private check(): void {
    if (this.broken) throw this.broken;
  }

  private key(seq: number, src: number, dst: number, tag: string): string {
    return `${seq}|${src}>${dst}|${tag}`;
  }

  private opRecord(rank: number, seq: number, desc: string): OpRecord {
    let op = this.ops.get(seq);
    if (!op) {
      op = { desc, rank, keys: new Set() };
      this.ops.set(seq, op);
      this.ops.delete(seq - OP_MEMORY);
      return op;
    }
    if (op.desc !== desc && !op.failed) {
      this.failOp(op, new CollectiveMismatchError(this.groupName, seq, desc, op.desc, op.rank));
    }
    return op;
  }

  /** Fails one operation: its waiters reject, its unread messages are dropped, later calls for it reject. */
  private failOp(op: OpRecord, err: Error): void {
    if (op.failed) return;
    op.failed = err;
    for (const k of op.keys) {
      const slot = this.slots.get(k);
      if (!slot) continue;
      this.slots.delete(k);
      slot.waiter?.reject(err);
      if (slot.payload) this.onDrop?.(slot.payload.v);
    }
    op.keys.clear();
  }

  private post(op: OpRecord, key: string, payload: unknown): void {
    const slot = this.slots.get(key);
    if (slot?.waiter) {
      this.slots.delete(key);
      op.keys.delete(key);
      slot.waiter.resolve(payload);
      return;
    }
    if (slot?.payload) throw new CollectiveGroupError(this.groupName, `Message ${key} of group '${this.groupName}' was sent twice.`);
    this.slots.set(key, { payload: { v: payload } });
    op.keys.add(key);
  }

  private take(op: OpRecord, key: string): Promise<unknown> {
    const slot = this.slots.get(key);
    if (slot?.payload) {
      this.slots.delete(key);
      op.keys.delete(key);
      return Promise.resolve(slot.payload.v);
    }
    return new Promise((resolve, reject) => {
      this.slots.set(key, { waiter: { resolve, reject } });
      op.keys.add(key);
    });
  }
}
