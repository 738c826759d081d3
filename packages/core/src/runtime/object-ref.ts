/**
 * ObjectRef: a reference to a value in the cluster's object store. Deliberately not
 * thenable (JavaScript would unwrap a thenable returned from an async function);
 * values come from `await ray.get(ref)`. Each instance counts as one reference: it is
 * released when collected, or at once with `release()` / `using`.
 */

/** Hooks through which refs report their lifetime to the process's runtime. */
export interface RefTracker {
  track(ref: ObjectRef<unknown>): void;
  untrack(ref: ObjectRef<unknown>): void;
  /** Counts `holder` as one reference to `id` until it is collected (actor handles). */
  trackHolder(holder: object, id: string): void;
}

/** Counts an object (such as an actor handle) as a reference to `id` while it lives. @internal */
export function trackHolder(holder: object, id: string): void {
  tracker?.trackHolder(holder, id);
}

let tracker: RefTracker | undefined;

/** Installs the runtime's tracker (called by the runtime). @internal */
export function setRefTracker(t: RefTracker | undefined): void {
  tracker = t;
}

/** A reference to a (possibly not yet computed) value of type `T`. */
export class ObjectRef<T = unknown> {
  /** The object's id. */
  readonly id: string;
  /** Phantom field carrying the value type. */
  declare readonly __valueType?: () => T;
  private released = false;

  /** @internal Refs are made by `.remote()`, `put()` and deserialization. */
  constructor(id: string) {
    this.id = id;
    tracker?.track(this as ObjectRef<unknown>);
  }

  /** True after {@link ObjectRef.release}. */
  get isReleased(): boolean {
    return this.released;
  }

  /** Drops this reference now instead of when it is collected; a later `get` of it throws ObjectFreedError. */
  release(): void {
    if (this.released) return;
    this.released = true;
    tracker?.untrack(this as ObjectRef<unknown>);
  }

  /** `using ref = ray.put(x)` releases the ref at the end of the block. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** `ObjectRef(<id>)`. */
  toString(): string {
    return `ObjectRef(${this.id})`;
  }

  /** Refs print as `ObjectRef(<id>)` in console.log. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Refs are sent as their id in JSON. */
  toJSON(): { objectRef: string } {
    return { objectRef: this.id };
  }
}

/**
 * How far the caller of a stream has read: what releasing the stream of a dropped
 * generator needs (never the generator itself, so that it can be collected). @internal
 */
export interface StreamCursor {
  /** Id of the task that yields. */
  readonly taskId: string;
  /** Index of the item the caller asks for next. */
  next: number;
  /** The caller cancelled the stream (`cancel(gen)`). */
  cancelled: boolean;
  /** A read failed, so which items the node still holds is unknown: releasing only cancels. */
  failed?: boolean;
}

/** Where a generator reports its lifetime: the runtime releases the stream of one dropped unfinished. @internal */
export interface StreamWatcher {
  watch(gen: object, cursor: StreamCursor): void;
  forget(gen: object): void;
}

/**
 * The refs a streaming remote function yields, one by one, as an async iterator:
 * `for await (const ref of gen.remote()) console.log(await ray.get(ref))`.
 *
 * A generator dropped (garbage-collected) before it is read to the end cancels its stream,
 * as `cancel(gen)` does, and releases the items it did not hand out. It belongs to the
 * caller that got it: it cannot be passed to a task or actor (pass the refs it yields).
 */
export class ObjectRefGenerator<T = unknown> implements AsyncIterable<ObjectRef<T>> {
  private readonly cursor: StreamCursor;
  private finished = false;

  /** @internal */
  constructor(
    /** Id of the task that yields. */
    readonly taskId: string,
    private readonly next: (taskId: string, index: number) => Promise<{ id?: string; done?: boolean }>,
    private readonly watcher?: StreamWatcher,
  ) {
    this.cursor = { taskId, next: 0, cancelled: false };
    watcher?.watch(this, this.cursor);
  }

  /** The next ref, or undefined when the generator is done. */
  async nextRef(): Promise<ObjectRef<T> | undefined> {
    if (this.finished) return undefined;
    let r: { id?: string; done?: boolean };
    try {
      r = await this.next(this.taskId, this.cursor.next);
    } catch (err) {
      this.cursor.failed = true;
      throw err;
    }
    if (r.done || !r.id) {
      this.finished = true;
      this.watcher?.forget(this); // the node forgot the stream: nothing left to release
      return undefined;
    }
    this.cursor.next++;
    return new ObjectRef<T>(r.id);
  }

  /** The caller cancelled the stream: releasing it when dropped does not cancel it again. @internal */
  markCancelled(): void {
    this.cursor.cancelled = true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ObjectRef<T>> {
    for (;;) {
      const ref = await this.nextRef();
      if (!ref) return;
      yield ref;
    }
  }

  /** `ObjectRefGenerator(<task id>)`. */
  toString(): string {
    return `ObjectRefGenerator(${this.taskId})`;
  }
}
