/**
 * The {@link Transport} of real groups: messages pass through the group's rendezvous
 * actor. The sends and receives an algorithm issues in the same tick are batched into
 * one `exchange` call (one round trip per ring step). Messages above
 * `collectiveConfig.inlineMaxBytes` are `ray.put` once and travel as a nested ObjectRef:
 * the receiver's `ray.get` maps the shared-memory segment on the same node (zero-copy, a
 * private copy-on-write view) or pulls it over TCP from another node.
 */
import * as ray from '@ray-ts/core';
import { collectiveConfig } from './config.js';
import { CollectiveError, CollectiveGroupError, CollectiveTimeoutError } from './errors.js';
import type { GroupMembership } from './group-registry.js';
import type { Payload } from './rendezvous-actor.js';
import type { Transport } from './transport.js';
import type { TypedArray } from './types.js';

interface Pending {
  sends: Array<[number, string, Payload]>;
  sendWaiters: Array<{ resolve(): void; reject(e: unknown): void }>;
  recvs: Array<[number, string]>;
  recvWaiters: Array<{ resolve(v: TypedArray): void; reject(e: unknown): void }>;
}

/** Extra time the caller waits past the rendezvous's own timeout before giving up on it. */
const CALLER_GRACE_MS = 5_000;

/** Translates what a rendezvous call threw into the collective error to show the user. */
export function collectiveErrorOf(group: GroupMembership, err: unknown, what: string, timeoutMs: number): Error {
  const cause = err instanceof ray.RayTaskError ? err.cause : err;
  if (cause instanceof CollectiveError) return cause;
  if (err instanceof ray.RayActorError) {
    return new CollectiveGroupError(group.groupName, `The rendezvous actor of group '${group.groupName}' is gone (the group was destroyed, or its process died).`, { cause: err });
  }
  if (err instanceof ray.GetTimeoutError) return new CollectiveTimeoutError(group.groupName, what, timeoutMs);
  return err instanceof Error ? err : new Error(String(err));
}

/** Transport of one operation of one rank. */
export class RendezvousTransport implements Transport {
  readonly rank: number;
  readonly size: number;
  private pending?: Pending;

  constructor(
    private readonly group: GroupMembership,
    private readonly seq: number,
    private readonly desc: string,
    private readonly deadline: number,
  ) {
    this.rank = group.rank;
    this.size = group.worldSize;
  }

  send(dst: number, tag: string, data: TypedArray): Promise<void> {
    const p = this.batch();
    const payload: Payload = data.byteLength > collectiveConfig.inlineMaxBytes ? { r: ray.put(data) } : { d: data };
    p.sends.push([dst, tag, payload]);
    return new Promise((resolve, reject) => p.sendWaiters.push({ resolve, reject }));
  }

  recv(src: number, tag: string): Promise<TypedArray> {
    const p = this.batch();
    p.recvs.push([src, tag]);
    return new Promise((resolve, reject) => p.recvWaiters.push({ resolve, reject }));
  }

  /** The batch of this tick, flushed in a microtask. */
  private batch(): Pending {
    if (this.pending) return this.pending;
    const p: Pending = { sends: [], sendWaiters: [], recvs: [], recvWaiters: [] };
    this.pending = p;
    queueMicrotask(() => {
      this.pending = undefined;
      this.flush(p).then(
        (vals) => {
          for (const w of p.sendWaiters) w.resolve();
          vals.forEach((v, i) => p.recvWaiters[i]!.resolve(v));
        },
        (err) => {
          for (const w of [...p.sendWaiters, ...p.recvWaiters]) w.reject(err);
        },
      );
    });
    return p;
  }

  private async flush(p: Pending): Promise<TypedArray[]> {
    const what = `Operation #${this.seq} (${this.desc})`;
    const left = Math.max(1, this.deadline - Date.now());
    let ref: ray.ObjectRef<Payload[]>;
    try {
      ref = this.group.rendezvous.exchange.remote(this.rank, this.seq, this.desc, p.sends, p.recvs, left) as ray.ObjectRef<Payload[]>;
    } finally {
      // The call holds the refs it carries; this process no longer needs its own.
      for (const [, , payload] of p.sends) if ('r' in payload) payload.r.release();
    }
    let got: Payload[];
    try {
      got = await ray.get(ref, { timeout: left + CALLER_GRACE_MS });
    } catch (err) {
      throw collectiveErrorOf(this.group, err, what, left);
    } finally {
      ref.release();
    }
    const refs = got.filter((g): g is { r: ray.ObjectRef<unknown> } => 'r' in g).map((g) => g.r);
    try {
      const values = refs.length ? await ray.get(refs, { timeout: left + CALLER_GRACE_MS }) : [];
      let k = 0;
      return got.map((g) => ('r' in g ? values[k++] : g.d) as TypedArray);
    } catch (err) {
      throw collectiveErrorOf(this.group, err, what, left);
    } finally {
      // The values stay readable: each is a mapping this process holds until it is collected.
      for (const r of refs) r.release();
    }
  }
}
