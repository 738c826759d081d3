/**
 * Read mappings of shared-memory segments in this process. Every read maps the
 * segment afresh as a private copy-on-write view: zero-copy, and a caller who writes
 * into what `get` returned changes only their own copy, never the stored object or
 * another `get`'s result. A segment stays pinned at the node (its memory is not
 * reused) until every mapping of it here has been garbage-collected.
 */
import shm from '@ray-ts/native';
import type { NodeClient } from './node-client.js';

/** Maps segments for reading and keeps the node's pins in step with their lifetime. */
export class SegmentCache {
  private readonly pins = new Map<string, number>();
  private readonly finalizer = new FinalizationRegistry<string>((name) => this.unpin(name));

  constructor(private readonly client: NodeClient) {}

  /** A view of the first `size` bytes of a segment. */
  view(name: string, size: number): Uint8Array {
    const ab = shm.openSegment(name, false);
    const n = this.pins.get(name) ?? 0;
    this.pins.set(name, n + 1);
    if (n === 0) this.client.pin(name);
    this.finalizer.register(ab, name);
    return new Uint8Array(ab, 0, size);
  }

  /** Number of segments mapped here now. */
  get mapped(): number {
    return this.pins.size;
  }

  private unpin(name: string): void {
    const n = (this.pins.get(name) ?? 1) - 1;
    if (n > 0) {
      this.pins.set(name, n);
      return;
    }
    this.pins.delete(name);
    this.client.unpin(name);
  }
}
