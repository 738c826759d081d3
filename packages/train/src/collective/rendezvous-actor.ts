/**
 * The rendezvous actor of a collective group (the group's control plane, like Ray's
 * collective "Info" actor): one named, CPU-less async actor per group that holds the
 * membership, checks that ranks call matching operations, watches heartbeats, and passes
 * messages between ranks. Large messages pass through it as nested ObjectRefs only (their
 * bytes stay in the object store); small ones inline.
 */
import * as ray from '@ray-ts/core';
import { RendezvousState } from './rendezvous-state.js';
import { CollectiveGroupError } from './errors.js';

/** A message as it travels: inline data, or a ref to it in the object store. */
export type Payload = { readonly d: unknown } | { readonly r: ray.ObjectRef<unknown> };

/** Releases the object ref a payload may hold. */
function releasePayload(p: unknown): void {
  const r = (p as { r?: unknown } | null)?.r;
  if (r instanceof ray.ObjectRef) r.release();
}

/** The rendezvous of one group. Methods are called by the library only. */
export class CollectiveRendezvous {
  private readonly state: RendezvousState;
  private readonly timer: NodeJS.Timeout;

  constructor(groupName: string, worldSize: number, memberTimeoutMs: number, declared: Array<[actorId: string, rank: number]> = []) {
    this.state = new RendezvousState(groupName, worldSize, memberTimeoutMs, new Map(declared));
    this.state.onDrop = releasePayload;
    this.timer = setInterval(() => this.state.checkLiveness(), Math.max(50, Math.min(1000, memberTimeoutMs / 4)));
    this.timer.unref();
  }

  /** Size of the group and the rank declared for `actorId` (createCollectiveGroup), if any. */
  async lookup(actorId: string): Promise<{ worldSize: number; rank: number | undefined }> {
    return { worldSize: this.state.worldSize, rank: this.state.declaredRank(actorId) };
  }

  /** Joins `rank`; resolves when every rank joined. */
  async join(rank: number, worldSize: number): Promise<void> {
    await this.state.join(rank, worldSize);
  }

  /** Tells the rendezvous that `rank` is alive. */
  async heartbeat(rank: number): Promise<void> {
    this.state.heartbeat(rank);
  }

  /** `rank` destroyed its group; true when it was the last member (the caller then kills this actor). */
  async leave(rank: number): Promise<boolean> {
    return this.state.leave(rank);
  }

  /** Fails the group for every member (destroyCollectiveGroup from the driver). */
  async abort(reason: string): Promise<void> {
    this.state.fail(new CollectiveGroupError(this.state.groupName, reason));
  }

  /** One step of one rank: post `sends`, wait for `recvs`. See {@link RendezvousState.exchange}. */
  async exchange(
    rank: number, seq: number, desc: string,
    sends: Array<[number, string, Payload]>, recvs: Array<[number, string]>, timeoutMs: number,
  ): Promise<Payload[]> {
    const got = (await this.state.exchange(rank, seq, desc, sends, recvs, timeoutMs)) as Payload[];
    // The refs travel on inside the return value; drop this process's hold once it is sent.
    setImmediate(() => got.forEach(releasePayload));
    return got;
  }
}

/** The remote class of the rendezvous actor. */
export const RendezvousActor = ray.remote(CollectiveRendezvous, { numCpus: 0 });
