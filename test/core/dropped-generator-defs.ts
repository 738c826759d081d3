// Definitions for test/core/dropped-generator.test.ts (workers import this module, not the test).
import * as ray from '@ray-ts/core';

/** Counts the items a generator made and the times its `finally` ran. */
export const Tracker = ray.remote(class Tracker {
  produced = 0;
  closed = 0;
  async made(): Promise<void> {
    this.produced++;
  }
  async close(): Promise<void> {
    this.closed++;
  }
  async stats(): Promise<{ produced: number; closed: number }> {
    return { produced: this.produced, closed: this.closed };
  }
});

type TrackerHandle = ray.ActorHandle<InstanceType<typeof Tracker.cls>>;

/** Yields forever; reports each item (without waiting, so it never lends its CPU) and its `finally`. */
export const endless = ray.remote(async function* endless(tracker: TrackerHandle) {
  try {
    for (let i = 0; ; i++) {
      tracker.made.remote();
      yield i;
    }
  } finally {
    await ray.get(tracker.close.remote());
  }
});

/** A task that needs the CPU. */
export const needsCpu = ray.remote(async function needsCpu() {
  return 'ran';
});
