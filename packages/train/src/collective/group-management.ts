/**
 * Creating, joining and destroying collective groups, and what a process knows about its
 * groups. A group is a named rendezvous actor plus, in each member process, a membership
 * record (see `group-registry.ts`).
 */
import * as ray from '@ray-ts/core';
import { collectiveConfig, rendezvousName } from './config.js';
import { CollectiveGroupError } from './errors.js';
import { addGroup, findGroup, removeGroup, type GroupMembership } from './group-registry.js';
import { intIn, groupNameOf, resolveGroupOptions, type CollectiveGroupOptions } from './options.js';
import { RendezvousActor, type CollectiveRendezvous } from './rendezvous-actor.js';
import { collectiveErrorOf } from './rendezvous-transport.js';

type Rendezvous = ray.ActorHandle<CollectiveRendezvous>;

/** Rendezvous actors this process declared with createCollectiveGroup (kept alive by these handles). */
const declaredHere = new Map<string, Rendezvous>();
/** Lazy joins under way (a declared actor's first operations). */
const joining = new Map<string, Promise<GroupMembership>>();

function rendezvousFor(groupName: string, worldSize: number, memberTimeoutMs: number, declared: Array<[string, number]> = []): Rendezvous {
  return RendezvousActor.options({ name: rendezvousName(groupName), getIfExists: true }).remote(groupName, worldSize, memberTimeoutMs, declared);
}

/**
 * The group's rendezvous actor: an existing one by name (made by the driver's
 * createCollectiveGroup, possibly on another node), else a new one. Looking it up first
 * matters on a cluster, where the name is only known to the head.
 */
async function findOrMakeRendezvous(groupName: string, worldSize: number, memberTimeoutMs: number): Promise<Rendezvous> {
  try {
    return await ray.getActor<CollectiveRendezvous>(rendezvousName(groupName));
  } catch (err) {
    if (!(err instanceof ray.ActorNotFoundError)) throw err;
    return rendezvousFor(groupName, worldSize, memberTimeoutMs);
  }
}

async function joinGroup(groupName: string, rank: number, worldSize: number, rendezvous: Rendezvous, timeoutMs: number): Promise<GroupMembership> {
  const ref = rendezvous.join.remote(rank, worldSize);
  try {
    await ray.get(ref, { timeout: timeoutMs });
  } catch (err) {
    const probe = { groupName, rank, worldSize, rendezvous, seq: 0 } as unknown as GroupMembership;
    throw collectiveErrorOf(probe, err, `Joining rank ${rank}`, timeoutMs);
  } finally {
    ref.release();
  }
  return addGroup(groupName, rank, worldSize, rendezvous, collectiveConfig.heartbeatMs);
}

/**
 * Makes this process (an actor, task or driver) rank `rank` of group `groupName` of
 * `worldSize` members; resolves once all members joined (Ray's `init_collective_group`).
 * Every member calls it once.
 */
export function initCollectiveGroup(worldSize: number, rank: number, groupName = 'default', options: CollectiveGroupOptions = {}): Promise<void> {
  intIn('initCollectiveGroup() worldSize', worldSize, 1, 2 ** 31);
  intIn('initCollectiveGroup() rank', rank, 0, worldSize);
  const name = groupNameOf('initCollectiveGroup() groupName', groupName);
  const o = resolveGroupOptions('initCollectiveGroup() options', options);
  if (findGroup(name)) return Promise.reject(new CollectiveGroupError(name, `This process is already a member of group '${name}'. Destroy it first, or use another groupName.`));
  return joinFresh(name, rank, worldSize, o.memberTimeoutMs, o.timeoutMs);
}

/**
 * Joins through the group's rendezvous actor, made if missing. A rendezvous being stopped
 * (its group was just destroyed) still holds its name for a moment: try again then.
 */
async function joinFresh(name: string, rank: number, worldSize: number, memberTimeoutMs: number, timeoutMs: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await joinGroup(name, rank, worldSize, await findOrMakeRendezvous(name, worldSize, memberTimeoutMs), timeoutMs);
      return;
    } catch (err) {
      const stale = err instanceof CollectiveGroupError && (err as { cause?: unknown }).cause instanceof ray.RayActorError;
      if (!stale || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
}

/** Options of {@link createCollectiveGroup}. */
export interface CreateCollectiveGroupOptions extends CollectiveGroupOptions {
  /** Name of the group. @default 'default' */
  groupName?: string;
  /** Rank of each actor, in the order of `actors`. @default 0, 1, ... */
  ranks?: number[];
}

/**
 * Declares, from the driver, a group over actor handles (Ray's `create_collective_group`).
 * Each actor joins with its rank on its first collective call in the group.
 */
export function createCollectiveGroup(actors: readonly ray.ActorHandle<unknown>[], options: CreateCollectiveGroupOptions = {}): Promise<void> {
  if (!Array.isArray(actors) || actors.length === 0) throw new TypeError('createCollectiveGroup() actors must be a non-empty array of actor handles');
  actors.forEach((a, i) => {
    if (typeof a?.actorId !== 'string') throw new TypeError(`createCollectiveGroup() actors[${i}] must be an actor handle`);
  });
  if (options === null || typeof options !== 'object') throw new TypeError('createCollectiveGroup() options must be an object');
  const { groupName, ranks, ...groupOpts } = options;
  const name = groupNameOf('createCollectiveGroup() options.groupName', groupName);
  const o = resolveGroupOptions('createCollectiveGroup() options', groupOpts);
  const n = actors.length;
  const r = ranks ?? actors.map((_, i) => i);
  if (!Array.isArray(r) || r.length !== n) throw new RangeError(`createCollectiveGroup() options.ranks must have one rank per actor (${n})`);
  r.forEach((x, i) => intIn(`createCollectiveGroup() options.ranks[${i}]`, x, 0, n));
  if (new Set(r).size !== n) throw new RangeError('createCollectiveGroup() options.ranks must not repeat a rank');
  if (new Set(actors.map((a) => a.actorId)).size !== n) throw new RangeError('createCollectiveGroup() actors must not repeat an actor');
  if (declaredHere.has(name)) return Promise.reject(new CollectiveGroupError(name, `Group '${name}' was already created. Destroy it first, or use another groupName.`));
  const handle = rendezvousFor(name, n, o.memberTimeoutMs, actors.map((a, i) => [a.actorId, r[i]!]));
  declaredHere.set(name, handle);
  return checkDeclared(name, n, handle, o.timeoutMs);
}

async function checkDeclared(name: string, n: number, handle: Rendezvous, timeoutMs: number): Promise<void> {
  const ref = handle.lookup.remote('');
  try {
    const got = (await ray.get(ref, { timeout: timeoutMs })) as { worldSize: number };
    if (got.worldSize !== n) throw new CollectiveGroupError(name, `A group named '${name}' of size ${got.worldSize} already exists. Destroy it first, or use another groupName.`);
  } catch (err) {
    declaredHere.delete(name);
    throw err;
  } finally {
    ref.release();
  }
}

/** This process's membership of `groupName`, joining a group declared by createCollectiveGroup on first use. */
export async function requireGroup(groupName: string, timeoutMs: number): Promise<GroupMembership> {
  const found = findGroup(groupName);
  if (found) return found;
  let p = joining.get(groupName);
  if (!p) {
    p = lazyJoin(groupName, timeoutMs).finally(() => joining.delete(groupName));
    joining.set(groupName, p);
  }
  return p;
}

async function lazyJoin(groupName: string, timeoutMs: number): Promise<GroupMembership> {
  const notInit = () => new CollectiveGroupError(
    groupName,
    `Collective group '${groupName}' is not initialized in this process. Call initCollectiveGroup(worldSize, rank, '${groupName}') ` +
      'in every member first, or createCollectiveGroup(actors) from the driver.',
  );
  const actorId = ray.isInitialized() ? ray.getRuntimeContext().actorId : undefined;
  if (!actorId) throw notInit();
  let handle: Rendezvous;
  try {
    handle = await ray.getActor<CollectiveRendezvous>(rendezvousName(groupName));
  } catch (err) {
    if (err instanceof ray.ActorNotFoundError) throw notInit();
    throw err;
  }
  const ref = handle.lookup.remote(actorId);
  let info: { worldSize: number; rank: number | undefined };
  try {
    info = (await ray.get(ref, { timeout: timeoutMs })) as typeof info;
  } finally {
    ref.release();
  }
  if (info.rank === undefined) throw notInit();
  return findGroup(groupName) ?? joinGroup(groupName, info.rank, info.worldSize, handle, timeoutMs);
}

/** True when this process is a member of `groupName` (a declared actor becomes one on its first operation). */
export function isGroupInitialized(groupName?: string): boolean {
  return findGroup(groupNameOf('isGroupInitialized() groupName', groupName)) !== undefined;
}

function member(where: string, groupName: string | undefined): GroupMembership {
  const name = groupNameOf(`${where} groupName`, groupName);
  const g = findGroup(name);
  if (!g) throw new CollectiveGroupError(name, `Collective group '${name}' is not initialized in this process; ${where} needs initCollectiveGroup() (or a first collective operation, for a group made with createCollectiveGroup()).`);
  return g;
}

/** This process's rank in `groupName`. Throws CollectiveGroupError when it is not a member. */
export function getRank(groupName?: string): number {
  return member('getRank()', groupName).rank;
}

/** Number of members of `groupName`. Throws CollectiveGroupError when this process is not a member. */
export function getCollectiveGroupSize(groupName?: string): number {
  return member('getCollectiveGroupSize()', groupName).worldSize;
}

/**
 * Destroys `groupName` in this process. In a member, it leaves the group (the last member
 * to leave stops the rendezvous actor); in the driver that declared the group, or any other
 * process, it stops the rendezvous actor, failing members' pending operations with
 * CollectiveGroupError. Resolves quietly when there is nothing to destroy.
 */
export async function destroyCollectiveGroup(groupName?: string): Promise<void> {
  const name = groupNameOf('destroyCollectiveGroup() groupName', groupName);
  const m = removeGroup(name);
  if (m) {
    const ref = m.rendezvous.leave.remote(m.rank);
    try {
      if (await ray.get(ref, { timeout: 10_000 })) ray.kill(m.rendezvous);
    } catch {
      /* the rendezvous is already gone */
    } finally {
      ref.release();
    }
    return;
  }
  let handle = declaredHere.get(name);
  declaredHere.delete(name);
  if (!handle) {
    try {
      handle = await ray.getActor<CollectiveRendezvous>(rendezvousName(name));
    } catch {
      return;
    }
  }
  const ref = handle.abort.remote(`Collective group '${name}' was destroyed.`);
  try {
    await ray.get(ref, { timeout: 10_000 });
  } catch {
    /* already gone */
  } finally {
    ref.release();
  }
  ray.kill(handle);
}
