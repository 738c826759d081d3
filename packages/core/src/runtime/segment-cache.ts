/**
 * Read mappings of shared-memory segments in this process. A segment mapped here is
 * pinned at the node (so its memory is not reused) until every view of the mapping
 * has been garbage-collected.
 */
import * as shm from '@ray-ts/native';
import type { NodeClient } from './node-client.js';

/** Maps segments for reading and keeps the node's pins in step with their lifetime. */
export class SegmentCache {
  private readonly live = new Map<string, WeakRef<ArrayBuffer>>();
  private readonly pins = new Map<string, number>();
  private readonly finalizer = new FinalizationRegistry<string>((name) => this.unpin(name));

  constructor(private readonly client: NodeClient) {}

  /** A view of the first `size` bytes of a segment (zero-copy; writes stay private to this process). */
  view(name: string, size: number): Uint8Array {
    let ab = this.live.get(name)?.deref();
    if (!ab) {
      ab = shm.openSegment(name, false);
      this.live.set(name, new WeakRef(ab));
      const n = this.pins.get(name) ?? 0;
      this.pins.set(name, n + 1);
      if (n === 0) this.client.pin(name);
      this.finalizer.register(ab, name);
    }
    return new Uint8Array(ab, 0, size);
  }

  private unpin(name: string): void {
    const n = (this.pins.get(name) ?? 1) - 1;
    if (n > 0) {
      this.pins.set(name, n);
      return;
    }
    this.pins.delete(name);
    const ref = this.live.get(name);
    if (ref && !ref.deref()) this.live.delete(name);
    this.client.unpin(name);
  }
}
