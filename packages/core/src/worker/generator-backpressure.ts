/**
 * Backpressure of streaming generators in the executing worker (Ray's
 * `_generator_backpressure_num_objects`). After each item it yields, the executor asks
 * {@link GeneratorBackpressure.admit} whether it may produce the next: not while `limit`
 * items are produced and not yet consumed. Consumption comes from the node as `genAck`
 * messages: the caller asked for item `consumed`, so it has every item before it.
 */

interface Tracked {
  /** Items the caller has consumed (the index it asked for last). */
  consumed: number;
  /** Wakes a paused producer. */
  wake?: () => void;
}

/** Consumption of the streams this worker runs with a backpressure limit. */
export class GeneratorBackpressure {
  private readonly streams = new Map<string, Tracked>();

  /** Starts tracking a stream (before its first item). */
  open(taskId: string): void {
    this.streams.set(taskId, { consumed: 0 });
  }

  /** Stops tracking a stream; a producer paused on it resumes. */
  close(taskId: string): void {
    const s = this.streams.get(taskId);
    this.streams.delete(taskId);
    s?.wake?.();
  }

  /** The caller has consumed `consumed` items of the stream (acks for unknown streams are dropped). */
  ack(taskId: string, consumed: number): void {
    const s = this.streams.get(taskId);
    if (!s || consumed <= s.consumed) return;
    s.consumed = consumed;
    s.wake?.();
  }

  /** Items of the stream the caller has consumed (0 when not tracked). */
  consumed(taskId: string): number {
    return this.streams.get(taskId)?.consumed ?? 0;
  }

  /**
   * Resolves once fewer than `limit` of the `produced` items are unconsumed, the stream is
   * closed, or `signal` aborts (the caller then checks `signal.aborted`).
   */
  async admit(taskId: string, produced: number, limit: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const s = this.streams.get(taskId);
      if (!s || signal.aborted || produced - s.consumed < limit) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          if (s.wake === done) s.wake = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        s.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
