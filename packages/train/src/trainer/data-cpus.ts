/**
 * A run's data pipeline needs CPUs outside placement groups: the read and map tasks of
 * its datasets are ordinary tasks (1 CPU each by default) that cannot use the CPUs its
 * workers hold. When every CPU of the cluster is held by placement groups (this run's
 * workers, other runs, other Tune trials), the workers would wait for their first batch
 * forever. This check turns that deadlock into a {@link TrainDataResourceError} saying what
 * to change, once placement groups have held every CPU for `waitMs`.
 */
import * as ray from '@ray-ts/core';
import { MaterializedDataset, type Dataset } from '@ray-ts/data';
import { TrainDataResourceError } from '../errors.js';

/**
 * How long (ms) every CPU may stay held by placement groups before a run with datasets
 * fails: `RAY_TS_TRAIN_DATA_CPU_WAIT_MS` (read at each run), else 10 s.
 */
export function dataCpuWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['RAY_TS_TRAIN_DATA_CPU_WAIT_MS'];
  if (raw === undefined || raw === '') return 10_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`RAY_TS_TRAIN_DATA_CPU_WAIT_MS must be a number of ms >= 0, got '${raw}'`);
  return n;
}

/** CPUs of the cluster and CPUs held by created placement groups. */
async function cpuUse(): Promise<{ total: number; reserved: number }> {
  const total = (await ray.clusterResources()).CPU ?? 0;
  const groups = await ray.state.listPlacementGroups();
  let reserved = 0;
  for (const g of groups) if (g.state === 'CREATED') for (const b of g.bundles) reserved += b.CPU ?? 0;
  return { total, reserved };
}

/**
 * Resolves once at least one CPU is outside placement groups (at once, usually); rejects
 * with TrainDataResourceError when none was for `waitMs`. Datasets that are all
 * materialized need no tasks and are not checked, nor is a cluster whose state cannot be read.
 */
export async function checkDataCpus(datasets: Readonly<Record<string, Dataset>>, waitMs = dataCpuWaitMs(), signal?: AbortSignal): Promise<void> {
  const all = Object.values(datasets);
  if (all.length === 0 || all.every((d) => d instanceof MaterializedDataset)) return;
  const start = Date.now();
  for (;;) {
    let use: { total: number; reserved: number };
    try {
      use = await cpuUse();
    } catch {
      return; // no state API (e.g. a client without it): do not guess
    }
    if (use.total - use.reserved >= 1) return;
    if (Date.now() - start >= waitMs) throw new TrainDataResourceError(use.total, use.reserved, Date.now() - start);
    if (signal?.aborted) return; // the run is being stopped: its own abort wins
    await new Promise((r) => setTimeout(r, 250));
  }
}
