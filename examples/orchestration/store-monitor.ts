/**
 * Watches the object store during the sort through core's public Prometheus endpoint
 * (`init()`'s `metricsUrl`, gauge `ray_object_store_memory{Location=...}`): the peak bytes
 * in shared memory and the peak bytes spilled to disk, sampled on an interval.
 */

/** Peaks seen so far. */
export interface StorePeaks {
  /** Most bytes seen in shared-memory segments. */
  sharedMemory: number;
  /** Most bytes seen spilled to disk at one time. */
  spilled: number;
  /** Samples taken. */
  samples: number;
}

/** Samples `metricsUrl` every `intervalMs` until `stop()`, which returns the peaks. */
export function monitorStore(metricsUrl: string | undefined, intervalMs = 500): { stop(): Promise<StorePeaks> } {
  const peaks: StorePeaks = { sharedMemory: 0, spilled: 0, samples: 0 };
  if (!metricsUrl) return { stop: async () => peaks };
  let inFlight: Promise<void> = Promise.resolve();
  const sample = async (): Promise<void> => {
    try {
      const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
      const text = await res.text();
      for (const m of text.matchAll(/^ray_object_store_memory\{[^}]*Location="(MMAP_SHM|SPILLED)"[^}]*\} (\S+)$/gm)) {
        const v = Number(m[2]);
        if (m[1] === 'MMAP_SHM') peaks.sharedMemory = Math.max(peaks.sharedMemory, v);
        else peaks.spilled = Math.max(peaks.spilled, v);
      }
      peaks.samples++;
    } catch {
      /* a missed sample (the node is busy spilling, or shutting down) */
    }
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return; // one sample at a time
    busy = true;
    inFlight = sample().finally(() => (busy = false));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      await sample();
      return peaks;
    },
  };
}
