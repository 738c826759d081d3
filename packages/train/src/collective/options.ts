/**
 * Options of the collective calls, validated at the call site: a bad field throws a
 * TypeError or RangeError naming it, synchronously (before any communication).
 */
import { collectiveConfig } from './config.js';
import { REDUCE_OPS, type ReduceOp } from './types.js';
import { currentCollectiveGroup } from '../session/current.js';

/** Options every collective operation takes. */
export interface CollectiveOpOptions {
  /** The group to operate in. @default the training run's group inside a Train worker, else 'default' */
  groupName?: string;
  /** Milliseconds before the operation fails with CollectiveTimeoutError. @default collectiveConfig.defaultTimeoutMs (10 minutes) */
  timeoutMs?: number;
}

/** Options of {@link allreduce} and {@link reducescatter}. */
export interface AllreduceOptions extends CollectiveOpOptions {
  /** How values combine. 'mean' is for float tensors only. @default 'sum' */
  op?: ReduceOp;
}

/** Options of {@link broadcast}. */
export interface BroadcastOptions extends CollectiveOpOptions {
  /** Rank whose tensor every rank receives. Required. */
  srcRank: number;
}

/** Options of a group's creation ({@link initCollectiveGroup}, {@link createCollectiveGroup}). */
export interface CollectiveGroupOptions {
  /**
   * A member not heard from for this many ms is declared dead, and the group's pending and
   * later operations fail with CollectiveMemberDiedError. Members send a heartbeat every
   * `collectiveConfig.heartbeatMs`, from their event loop: keep synchronous work between
   * awaits shorter than this. @default collectiveConfig.memberTimeoutMs (30 s)
   */
  memberTimeoutMs?: number;
  /** Milliseconds to wait for all members to join. @default collectiveConfig.defaultTimeoutMs */
  timeoutMs?: number;
}

/** Resolved options of an operation. */
export interface ResolvedOpOptions {
  readonly groupName: string;
  readonly timeoutMs: number;
}

/** Checks that `opts` is an object with only `allowed` keys. */
export function checkKeys(where: string, opts: unknown, allowed: readonly string[]): asserts opts is Record<string, unknown> {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${where} must be an object`);
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new TypeError(`${where}.${k} is not a known option (known: ${allowed.join(', ')})`);
  }
}

/** A group name: a non-empty string; by default the group of the current training run (inside a Train worker), else 'default'. */
export function groupNameOf(where: string, v: unknown): string {
  if (v === undefined) return currentCollectiveGroup() ?? 'default';
  if (typeof v !== 'string' || v === '') throw new TypeError(`${where} must be a non-empty string, got ${describe(v)}`);
  return v;
}

/** A positive finite number of milliseconds (or the default). */
export function positiveMs(where: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${where} must be a number, got ${describe(v)}`);
  if (!(v > 0)) throw new RangeError(`${where} must be > 0, got ${v}`);
  return Math.min(v, 2 ** 31 - 1);
}

/** An integer in [min, max). */
export function intIn(where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where} must be an integer, got ${describe(v)}`);
  if (v < min || v >= max) throw new RangeError(`${where} must be >= ${min} and < ${max}, got ${v}`);
  return v;
}

/** Resolves the common options of an operation. */
export function resolveOpOptions(where: string, opts: unknown, extra: readonly string[] = []): ResolvedOpOptions {
  checkKeys(where, opts, ['groupName', 'timeoutMs', ...extra]);
  return Object.freeze({
    groupName: groupNameOf(`${where}.groupName`, opts.groupName),
    timeoutMs: positiveMs(`${where}.timeoutMs`, opts.timeoutMs, collectiveConfig.defaultTimeoutMs),
  });
}

/** A reduce op (or the default 'sum'). */
export function reduceOpOf(where: string, v: unknown): ReduceOp {
  if (v === undefined) return 'sum';
  if (typeof v !== 'string' || !REDUCE_OPS.includes(v as ReduceOp)) {
    throw new TypeError(`${where} must be one of ${REDUCE_OPS.map((o) => `'${o}'`).join(', ')}, got ${describe(v)}`);
  }
  return v as ReduceOp;
}

/** Resolves group creation options. */
export function resolveGroupOptions(where: string, opts: unknown): { memberTimeoutMs: number; timeoutMs: number } {
  checkKeys(where, opts, ['memberTimeoutMs', 'timeoutMs']);
  return Object.freeze({
    memberTimeoutMs: positiveMs(`${where}.memberTimeoutMs`, opts.memberTimeoutMs, collectiveConfig.memberTimeoutMs),
    timeoutMs: positiveMs(`${where}.timeoutMs`, opts.timeoutMs, collectiveConfig.defaultTimeoutMs),
  });
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}
