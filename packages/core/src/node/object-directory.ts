/**
 * The node's table of objects: where each value is (inline, in a shared-memory
 * segment, or spilled to disk), who references it, and who waits for it.
 * An object is freed when no process, task argument or containing object refers to
 * it. When the store is over capacity, objects are spilled to disk in least-recently
 * used order and restored transparently on the next read.
 */
import { closeSync, copyFileSync, mkdirSync, openSync, readSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { WireObject } from '../transport/protocol.js';
import { ObjectStoreFullError } from '../errors.js';
import type { SegmentStore } from './segment-store.js';

/** How many freed ids are remembered. */
const FREED_MEMORY = 100_000;

/** Lifecycle of an object: made yet or not, and for a ready one whether its value is on this node or another. */
export type ObjectState = 'pending' | 'ready' | 'remote';

/** Where the value of a `remote` object lives. */
export interface RemoteLocation {
  /** Node holding the value. */
  at: string;
  /** Size in bytes of the layout. */
  n: number;
  /** The value is an error. */
  e?: 1;
}

interface Entry {
  id: string;
  state: ObjectState;
  obj?: WireObject;
  /** Path of the spilled copy when the value is on disk. */
  spilled?: string;
  /** References: processes, task arguments, containing objects, generator holds. */
  refs: number;
  contained: string[];
  waiters: Array<() => void>;
  lastAccess: number;
  /** Value on another node (state 'remote'). */
  remote?: RemoteLocation;
  /** A pull of the remote value is under way. */
  pulling?: boolean;
  /** Called once the object is made (here or on another node), without pulling it. */
  madeWaiters?: Array<() => void>;
}

/** Why a freed or unknown id cannot be read. */
export type Missing = 'freed' | 'unknown';

/** Objects of one node. */
export class ObjectDirectory {
  private readonly entries = new Map<string, Entry>();
  /** Ids freed lately (so a late read says "freed", not "unknown"): a Set plus a ring of the same ids. */
  private readonly recentlyFreed = new Set<string>();
  private readonly freedRing: string[] = new Array(FREED_MEMORY);
  private freedNext = 0;
  private tick = 0;
  private spillSeq = 0;
  /** Bytes written to disk by spilling, over the node's life. */
  spilledBytesTotal = 0;
  /** Objects spilled, over the node's life. */
  spilledCount = 0;
  /** Asked when someone waits for a `remote` object: fetch its value and call {@link ObjectDirectory.completePull}. */
  onPullNeeded?: (id: string, loc: RemoteLocation) => void;
  /** Told when an object leaves the table (the cluster agent drops what it borrowed for it). */
  onFreed?: (id: string, remote: RemoteLocation | undefined) => void;

  constructor(
    private readonly segments: SegmentStore,
    readonly capacity: number,
    private readonly spillDir: string,
  ) {}

  /** Every object in the table, for the state API. */
  snapshot(): Array<{ id: string; state: ObjectState; size: number; refs: number; where: 'INLINE' | 'SHARED_MEMORY' | 'SPILLED' | 'REMOTE' | 'NONE'; isError: boolean }> {
    const out = [];
    for (const e of this.entries.values()) {
      const where = e.state === 'remote' ? 'REMOTE' : e.spilled ? 'SPILLED' : e.obj?.s ? 'SHARED_MEMORY' : e.obj ? 'INLINE' : 'NONE';
      out.push({ id: e.id, state: e.state, size: e.obj?.n ?? e.remote?.n ?? 0, refs: e.refs, where, isError: !!(e.obj?.e ?? e.remote?.e) } as const);
    }
    return out;
  }

  /** Number of live objects. */
  get size(): number {
    return this.entries.size;
  }

  /** Adds a reference (creating a pending entry if the object is not known yet). */
  addRef(id: string, n = 1): void {
    let e = this.entries.get(id);
    if (!e) {
      e = { id, state: 'pending', refs: 0, contained: [], waiters: [], lastAccess: 0 };
      this.entries.set(id, e);
    }
    e.refs += n;
  }

  /** Drops a reference; frees the object when none is left and it is sealed. */
  removeRef(id: string, n = 1): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.refs -= n;
    if (e.refs <= 0 && e.state !== 'pending') this.free(e);
  }

  /** Stores the value of an object and wakes its waiters. A second seal of a ready object is ignored. */
  seal(id: string, obj: WireObject, contained: string[]): void {
    let e = this.entries.get(id);
    if (!e) {
      // Nobody holds it: store nothing, but release what it contains.
      if (obj.s) this.segments.release(obj.s);
      return;
    }
    if (e.state === 'ready') {
      if (obj.s && obj.s !== e.obj?.s) this.segments.release(obj.s);
      return;
    }
    if (e.state === 'remote') {
      // A pulled (or rebuilt) copy of a value already known: keep the contained refs as they are.
      e.remote = undefined;
      e.pulling = false;
      e.state = 'ready';
      e.obj = obj;
      e.lastAccess = ++this.tick;
      for (const w of e.waiters.splice(0)) w();
      if (e.refs <= 0) this.free(e);
      else if (obj.s) this.makeRoom(0);
      return;
    }
    for (const c of contained) this.addRef(c);
    e.state = 'ready';
    e.obj = obj;
    e.contained = contained;
    e.lastAccess = ++this.tick;
    for (const w of e.madeWaiters?.splice(0) ?? []) w();
    const waiters = e.waiters.splice(0);
    for (const w of waiters) w();
    if (e.refs <= 0) this.free(e);
    else if (obj.s) this.makeRoom(0);
  }

  /** Whether the object is ready with its value on this node. */
  isReady(id: string): boolean {
    return this.entries.get(id)?.state === 'ready';
  }

  /** Whether the object is made (its value here or on another node). */
  isMade(id: string): boolean {
    const st = this.entries.get(id)?.state;
    return st === 'ready' || st === 'remote';
  }

  /** Calls `fn` once the object is made, here or on another node (at once if it is, or if it is unknown). */
  onMade(id: string, fn: () => void): void {
    const e = this.entries.get(id);
    if (!e || e.state !== 'pending') {
      fn();
      return;
    }
    (e.madeWaiters ??= []).push(fn);
  }

  /** The stored value of a ready object without touching it (no restore, no LRU update); undefined when not ready here. */
  peek(id: string): WireObject | undefined {
    const e = this.entries.get(id);
    return e?.state === 'ready' ? e.obj : undefined;
  }

  /** Where a `remote` object's value lives, if it is one. */
  remoteOf(id: string): RemoteLocation | undefined {
    return this.entries.get(id)?.remote;
  }

  /**
   * Records that a pending object was made on another node: readers pull it on demand.
   * Returns false when the object is unknown (nobody holds it) or already made.
   */
  sealRemote(id: string, loc: RemoteLocation, contained: string[]): boolean {
    const e = this.entries.get(id);
    if (!e || e.state !== 'pending') return false;
    for (const c of contained) this.addRef(c);
    e.state = 'remote';
    e.remote = loc;
    e.contained = contained;
    e.lastAccess = ++this.tick;
    for (const w of e.madeWaiters?.splice(0) ?? []) w();
    if (e.refs <= 0) {
      this.free(e);
      return true;
    }
    if (e.waiters.length) this.requestPull(e);
    return true;
  }

  /** Stores the pulled value of a `remote` object and wakes its waiters. */
  completePull(id: string, obj: WireObject): void {
    const e = this.entries.get(id);
    if (!e || e.state !== 'remote') {
      if (obj.s) this.segments.release(obj.s);
      return;
    }
    this.seal(id, obj, []);
  }

  /**
   * The node that held a `remote` (or was making a pending) object died: the entry goes
   * back to pending, keeping its references and waiters, until it is rebuilt or sealed
   * with an error. Returns the ids it contained (released).
   */
  resetToPending(id: string): void {
    const e = this.entries.get(id);
    if (!e || e.state === 'ready') return;
    if (e.state === 'remote') for (const c of e.contained) this.removeRef(c);
    e.state = 'pending';
    e.remote = undefined;
    e.pulling = false;
    e.contained = [];
  }

  /** Ids of `remote` objects whose value lives on node `at`. */
  remoteAt(at: string): string[] {
    const out: string[] = [];
    for (const e of this.entries.values()) if (e.state === 'remote' && e.remote?.at === at) out.push(e.id);
    return out;
  }

  private requestPull(e: Entry): void {
    if (e.pulling || !e.remote) return;
    e.pulling = true;
    this.onPullNeeded?.(e.id, e.remote);
  }

  /** Whether the id is known (pending or ready). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Why an id is not in the table. */
  missing(id: string): Missing {
    return this.recentlyFreed.has(id) ? 'freed' : 'unknown';
  }

  /** Calls `fn` once the object is ready (at once if it is). Returns a cancel function. */
  onReady(id: string, fn: () => void): () => void {
    const e = this.entries.get(id);
    if (!e || e.state === 'ready') {
      fn();
      return () => {};
    }
    e.waiters.push(fn);
    if (e.state === 'remote') this.requestPull(e);
    return () => {
      const i = e.waiters.indexOf(fn);
      if (i >= 0) e.waiters.splice(i, 1);
    };
  }

  /** The value of a ready object, restored from disk if it was spilled. */
  read(id: string): WireObject | undefined {
    const e = this.entries.get(id);
    if (!e || e.state !== 'ready' || !e.obj) return undefined;
    e.lastAccess = ++this.tick;
    if (e.spilled) this.restore(e);
    return e.obj;
  }

  /** Ids of the refs an object contains. */
  containedRefs(id: string): string[] {
    return this.entries.get(id)?.contained ?? [];
  }

  /** Makes room for `size` more bytes: empties the reuse pool, then spills the least recently used objects. */
  makeRoom(size: number, keep?: string): void {
    const need = () => this.segments.usedBytes + size - this.capacity;
    if (need() <= 0) return;
    this.segments.trimPool(need());
    if (need() <= 0) return;
    this.segments.dropRetired(need());
    if (need() <= 0) return;
    const candidates = [...this.entries.values()]
      .filter((e) => e.state === 'ready' && e.obj?.s && !e.spilled && e.id !== keep)
      .sort((a, b) => a.lastAccess - b.lastAccess);
    for (const e of candidates) {
      if (need() <= 0) break;
      this.spill(e);
    }
    if (need() > 0 && size > 0) {
      throw new ObjectStoreFullError(size, this.capacity, `${this.segments.usedBytes} bytes are in use and cannot be spilled`);
    }
  }

  /** Forgets an object now (explicit free): its id reads as freed afterwards. */
  forceFree(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    if (e.state === 'pending') {
      e.refs = 0;
      return;
    }
    this.free(e);
  }

  /** Objects with their value on this node (in memory or spilled) that something still references. */
  referencedHere(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.state === 'ready' && e.refs > 0) n++;
    return n;
  }

  /** Bytes in memory and on disk, for status. */
  stats(): { objects: number; spilled: number; spilledBytes: number } {
    let spilled = 0;
    let spilledBytes = 0;
    for (const e of this.entries.values()) {
      if (e.spilled) {
        spilled++;
        spilledBytes += e.obj?.n ?? 0;
      }
    }
    return { objects: this.entries.size, spilled, spilledBytes };
  }

  /** Removes spill files and forgets every object (node shutdown). */
  destroy(): void {
    this.entries.clear();
    rmSync(this.spillDir, { recursive: true, force: true });
  }

  private free(e: Entry): void {
    this.entries.delete(e.id);
    this.onFreed?.(e.id, e.remote);
    const evicted = this.freedRing[this.freedNext];
    if (evicted !== undefined) this.recentlyFreed.delete(evicted);
    this.freedRing[this.freedNext] = e.id;
    this.freedNext = (this.freedNext + 1) % FREED_MEMORY;
    this.recentlyFreed.add(e.id);
    if (e.spilled) {
      try {
        unlinkSync(e.spilled);
      } catch {
        /* already gone */
      }
    } else if (e.obj?.s) {
      this.segments.release(e.obj.s);
    }
    for (const w of e.waiters.splice(0)) w();
    for (const w of e.madeWaiters?.splice(0) ?? []) w();
    for (const c of e.contained) this.removeRef(c);
  }

  private spill(e: Entry): void {
    const seg = e.obj!.s!;
    mkdirSync(this.spillDir, { recursive: true });
    const path = join(this.spillDir, `spill-${(this.spillSeq++).toString(36)}`);
    copyFileSync(this.segments.path(seg), path);
    this.segments.remove(seg);
    e.spilled = path;
    this.spilledBytesTotal += e.obj!.n;
    this.spilledCount++;
  }

  private restore(e: Entry): void {
    const path = e.spilled!;
    this.makeRoom(e.obj!.n, e.id);
    const { name, view } = this.segments.allocate(e.obj!.n);
    // Copy through the node's mapping so pooled pages are reused.
    const fd = openSync(path, 'r');
    try {
      let off = 0;
      while (off < view.length) {
        const n = readSync(fd, view, off, view.length - off, off);
        if (n <= 0) break;
        off += n;
      }
    } finally {
      closeSync(fd);
    }
    unlinkSync(path);
    e.spilled = undefined;
    e.obj = { ...e.obj!, s: name };
  }
}

