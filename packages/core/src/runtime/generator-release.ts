/**
 * Releasing the stream of a dropped ObjectRefGenerator (Ray's `DelObjectRefStream`). A
 * caller that lets its generator be garbage-collected before reading it to the end would
 * otherwise leave the streaming call running to its end (or, with backpressure, paused
 * forever, holding its worker and CPU), and the node would keep every item the caller
 * never asked for.
 *
 * Each generator is registered here with a {@link StreamCursor}: the stream's task id and
 * how far its caller read, never the generator itself. When the generator is collected
 * unfinished, the stream is cancelled as `cancel(gen)` does (no force, recursive: the call
 * stops at its next item and its `finally` runs; a queued call never runs), then read to
 * its end without making refs: asking the node for item i drops its hold on item i-1, and
 * the final "done" forgets the stream. Refs the caller already took are its own and stay
 * valid. A generator read to the end unregisters; one cancelled with `cancel(gen)` stays
 * registered only to release its items (it is not cancelled twice); one whose read failed
 * is only cancelled (reading on could drop a hold twice and free an item the caller has).
 *
 * The rule that makes this safe: a generator is never shared. It cannot be passed to a
 * task or actor or stored (the serializer refuses it, below), so when the process that
 * got it drops it, nobody else can be reading the stream. The refs it yields are ordinary
 * ObjectRefs: pass those.
 */
import { SerializationError } from '../errors.js';
import { registerExtension } from '../serialization/index.js';
import { ObjectRefGenerator, type StreamCursor, type StreamWatcher } from './object-ref.js';

/** What releasing a stream needs from the process's runtime (a fake in unit tests). */
export interface StreamOwner {
  /** Cancels the streaming call `taskId` as `cancel(gen)` does. */
  cancel(taskId: string): void;
  /** Asks the node for item `index` of the stream (dropping its hold on item `index - 1`). */
  next(taskId: string, index: number): Promise<{ id?: string; done?: boolean }>;
}

/** Watches the generators of one process and releases the streams of those dropped unfinished. */
export class GeneratorRelease implements StreamWatcher {
  private readonly registry = new FinalizationRegistry<StreamCursor>((cursor) => {
    void this.release(cursor);
  });
  private closed = false;
  private releasing = 0;

  constructor(private readonly owner: StreamOwner) {}

  /** Releases `cursor`'s stream once `gen` is collected, unless {@link forget} comes first. */
  watch(gen: object, cursor: StreamCursor): void {
    if (!this.closed) this.registry.register(gen, cursor, gen);
  }

  /** The generator's stream needs no release (read to the end). */
  forget(gen: object): void {
    this.registry.unregister(gen);
  }

  /** Streams being released now. */
  get inProgress(): number {
    return this.releasing;
  }

  /** Stops releasing (the runtime shut down: its node and connection are gone). */
  close(): void {
    this.closed = true;
  }

  /**
   * Cancels the stream (unless the caller did) and reads it to the end, dropping the node's
   * hold on every item the caller did not take. Waits for the call to stop: a generator
   * busy making an item stops after it.
   */
  async release(cursor: StreamCursor): Promise<void> {
    if (this.closed) return;
    this.releasing++;
    try {
      if (!cursor.cancelled) this.owner.cancel(cursor.taskId);
      for (let i = cursor.next; !this.closed && !cursor.failed; i++) {
        const r = await this.owner.next(cursor.taskId, i);
        if (r.done || !r.id) return;
      }
    } catch {
      // The runtime shut down while releasing: its node is gone and there is nothing to release.
    } finally {
      this.releasing--;
    }
  }
}

/** Tag of the ObjectRefGenerator extension: it exists only to refuse generators with a useful message. */
export const GENERATOR_TAG = 3;

const notShared = (): never => {
  throw new SerializationError(
    'An ObjectRefGenerator cannot be passed to a task or actor, returned, or put: only the caller that got it reads its stream (and it is cancelled when that caller drops it). Pass the ObjectRefs it yields instead.',
  );
};

registerExtension<ObjectRefGenerator<unknown>>({ tag: GENERATOR_TAG, cls: ObjectRefGenerator, encode: notShared, decode: notShared });
