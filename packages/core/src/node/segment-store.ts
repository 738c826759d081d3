/**
 * The node's shared-memory segments: the memory of large objects. A segment is a
 * file in /dev/shm. Freed segments go to a pool and are reused for later objects,
 * because first-touching fresh shared memory is far slower than writing pages
 * already faulted in. A segment is reused only when no process still maps it
 * (processes pin the segments they map for reading until their views are collected).
 */
import { readdirSync } from 'node:fs';
import shm from '@ray-ts/native';

interface Segment {
  name: string;
  size: number;
  /** The node's own read-write mapping (kept for reuse). */
  mapping?: ArrayBuffer;
  /** Processes that map it for reading. */
  pins: Set<string>;
  /** Freed by its object and waiting for its pins to go. */
  retired: boolean;
  /** Handed to a worker for its next large value (not in the pool, not in use yet). */
  grantedTo?: string;
}

/** Segments of one node, with a pool of reusable ones. */
export class SegmentStore {
  private readonly segments = new Map<string, Segment>();
  private pool: Segment[] = [];
  private poolBytes = 0;
  private bytes = 0;
  private seq = 0;

  constructor(private readonly prefix: string) {}

  /** Bytes of every segment the node knows (in use, retired and pooled). */
  get usedBytes(): number {
    return this.bytes;
  }

  /** Bytes in the reuse pool. */
  get pooledBytes(): number {
    return this.poolBytes;
  }

  /** Name for a segment created by a worker for object `objectId`. */
  segmentName(objectId: string): string {
    return `${this.prefix}-${objectId}`;
  }

  /** Gets a writable segment of at least `size` bytes: a pooled one if one fits, else a new one. */
  allocate(size: number): { name: string; view: Uint8Array } {
    let best = -1;
    for (let i = 0; i < this.pool.length; i++) {
      const s = this.pool[i]!;
      if (s.size >= size && s.size <= size * 2 + 65536 && (best < 0 || s.size < this.pool[best]!.size)) best = i;
    }
    if (best >= 0) {
      const seg = this.pool.splice(best, 1)[0]!;
      this.poolBytes -= seg.size;
      seg.retired = false;
      seg.mapping ??= shm.openSegment(seg.name, true);
      return { name: seg.name, view: new Uint8Array(seg.mapping, 0, size) };
    }
    const name = `${this.prefix}-s${(this.seq++).toString(36)}`;
    const mapping = shm.createSegment(name, size, false);
    this.segments.set(name, { name, size, mapping, pins: new Set(), retired: false });
    this.bytes += size;
    return { name, view: new Uint8Array(mapping, 0, size) };
  }

  /**
   * Hands up to `max` pooled segments that fit `size` to a worker, so its next large
   * values reuse memory already faulted in instead of fresh pages.
   */
  grant(size: number, holder: string, max: number): Array<{ name: string; size: number }> {
    const out: Array<{ name: string; size: number }> = [];
    for (let i = 0; i < this.pool.length && out.length < max; ) {
      const s = this.pool[i]!;
      if (s.size >= size && s.size <= size * 2 + 65536) {
        this.pool.splice(i, 1);
        this.poolBytes -= s.size;
        s.retired = false;
        s.grantedTo = holder;
        s.mapping = undefined;
        out.push({ name: s.name, size: s.size });
      } else i++;
    }
    return out;
  }

  /** Takes charge of a segment a worker created (or filled, if it was granted). */
  adopt(name: string, size: number): void {
    const known = this.segments.get(name);
    if (known) {
      known.grantedTo = undefined;
      return;
    }
    this.segments.set(name, { name, size, pins: new Set(), retired: false });
    this.bytes += size;
  }

  /** Whether the node knows this segment. */
  has(name: string): boolean {
    return this.segments.has(name);
  }

  /** A process maps the segment for reading. */
  pin(name: string, holder: string): void {
    this.segments.get(name)?.pins.add(holder);
  }

  /** A process's views of the segment were collected. */
  unpin(name: string, holder: string): void {
    const seg = this.segments.get(name);
    if (!seg) return;
    seg.pins.delete(holder);
    if (seg.retired && seg.pins.size === 0) this.toPool(seg);
  }

  /** A process is gone: drop all its pins. */
  dropHolder(holder: string): void {
    for (const seg of this.segments.values()) {
      if (seg.grantedTo === holder) {
        seg.grantedTo = undefined;
        this.toPool(seg);
      } else if (seg.pins.delete(holder) && seg.retired && seg.pins.size === 0) this.toPool(seg);
    }
  }

  /** The object in this segment was freed: reuse the segment once nobody maps it. */
  release(name: string): void {
    const seg = this.segments.get(name);
    if (!seg) return;
    seg.retired = true;
    if (seg.pins.size === 0) this.toPool(seg);
  }

  /** Removes a segment now (spilled or lost); mappings in processes stay valid until collected. */
  remove(name: string): void {
    const seg = this.segments.get(name);
    if (!seg) return;
    this.segments.delete(name);
    const pooled = this.pool.indexOf(seg);
    if (pooled >= 0) {
      this.pool.splice(pooled, 1);
      this.poolBytes -= seg.size;
    }
    this.bytes -= seg.size;
    seg.mapping = undefined;
    shm.unlinkSegment(name);
  }

  /**
   * Unlinks segments whose objects were freed but that some process still maps: their
   * memory leaves the store's books (it is released when those mappings are collected)
   * and they will not be reused. Returns bytes dropped.
   */
  dropRetired(bytes: number): number {
    let dropped = 0;
    for (const seg of [...this.segments.values()]) {
      if (dropped >= bytes) break;
      if (seg.retired && seg.pins.size > 0) {
        dropped += seg.size;
        this.remove(seg.name);
      }
    }
    return dropped;
  }

  /** Frees pooled segments until at least `bytes` are gone (or the pool is empty); returns bytes freed. */
  trimPool(bytes: number): number {
    let freed = 0;
    while (freed < bytes && this.pool.length) {
      const seg = this.pool[0]!;
      freed += seg.size;
      this.remove(seg.name);
    }
    return freed;
  }

  /** Path of a segment's file (for spilling with a file copy). */
  path(name: string): string {
    return `/dev/shm/${name}`;
  }

  /** Unlinks every segment of this node, including ones workers made that were never reported (node shutdown). */
  destroy(): void {
    for (const name of [...this.segments.keys()]) {
      try {
        this.remove(name);
      } catch {
        /* already gone */
      }
    }
    try {
      for (const f of readdirSync('/dev/shm')) if (f.startsWith(`${this.prefix}-`)) shm.unlinkSegment(f);
    } catch {
      /* no /dev/shm listing */
    }
  }

  private toPool(seg: Segment): void {
    if (this.pool.includes(seg)) return;
    this.pool.push(seg);
    this.poolBytes += seg.size;
  }
}
