/**
 * A run's worker group: a placement group with one bundle per worker, a train worker
 * actor in each bundle, their collective group, and their ranks (world, local, node).
 */
import * as ray from '@ray-ts/core';
import { randomUUID } from 'node:crypto';
import { createCollectiveGroup, destroyCollectiveGroup } from '../collective/index.js';
import type { ResolvedTrainerOptions } from '../config/trainer-options.js';
import type { FrameworkSetup } from './frameworks.js';
import { TrainWorker, type WorkerInfo } from './train-worker.js';

/** Ranks of one worker. */
export interface WorkerRanks {
  readonly worldRank: number;
  readonly localRank: number;
  readonly localWorldSize: number;
  readonly nodeRank: number;
}

/** How long to wait for the placement group before warning that the cluster lacks resources. */
const PG_WARN_MS = 30_000;

/** Ranks from the nodes the workers landed on: node ranks in order of first appearance. */
export function computeRanks(nodeIds: readonly string[]): WorkerRanks[] {
  const nodes = [...new Set(nodeIds)];
  const perNode = new Map<string, number>();
  return nodeIds.map((node, worldRank) => {
    const localRank = perNode.get(node) ?? 0;
    perNode.set(node, localRank + 1);
    return { worldRank, localRank, localWorldSize: nodeIds.filter((n) => n === node).length, nodeRank: nodes.indexOf(node) };
  });
}

/** The workers of one attempt of a run. */
export class WorkerGroup {
  private constructor(
    readonly actors: ray.ActorHandle<InstanceType<typeof TrainWorker.cls>>[],
    readonly infos: readonly WorkerInfo[],
    readonly ranks: readonly WorkerRanks[],
    readonly groupName: string | undefined,
    private readonly pg: ray.PlacementGroup,
  ) {}

  /** Reserves the bundles, starts the workers and joins them into a collective group. */
  static async create(opts: ResolvedTrainerOptions, framework: FrameworkSetup | undefined): Promise<WorkerGroup> {
    const n = opts.numWorkers;
    const pg = ray.placementGroup(Array.from({ length: n }, () => ({ ...opts.bundle })), { strategy: opts.placementStrategy });
    while (!(await pg.wait(PG_WARN_MS))) {
      process.stderr.write(
        `[ray-ts train] waiting for resources for ${n} worker(s) of ${JSON.stringify(opts.bundle)} each (${opts.placementStrategy}; ` +
          `cluster has ${JSON.stringify(await ray.clusterResources())}); lower scalingConfig.numWorkers or resourcesPerWorker, or add nodes\n`,
      );
    }
    const { CPU, GPU, ...custom } = opts.bundle;
    const actors = Array.from({ length: n }, (_, i) =>
      TrainWorker.options({
        numCpus: CPU ?? 0,
        numGpus: GPU ?? 0,
        resources: custom,
        maxConcurrency: 8,
        schedulingStrategy: { type: 'PLACEMENT_GROUP', placementGroup: pg, bundleIndex: i },
      }).remote(),
    );
    const groupName = n > 1 ? `ray-ts-train:${opts.name}:${randomUUID().slice(0, 8)}` : undefined;
    try {
      // The driver makes the group's rendezvous (ranks in actor order); each worker joins in setup.
      if (groupName !== undefined) await createCollectiveGroup(actors, { groupName });
      const infos = (await ray.get(actors.map((a) => a.setup.remote({ groupName, framework })))) as WorkerInfo[];
      return new WorkerGroup(actors, infos, computeRanks(infos.map((i) => i.nodeId)), groupName, pg);
    } catch (err) {
      for (const a of actors) ray.kill(a);
      if (groupName !== undefined) await destroyCollectiveGroup(groupName).catch(() => {});
      await ray.removePlacementGroup(pg).catch(() => {});
      throw err;
    }
  }

  /** Stops the workers and frees their resources. */
  async shutdown(): Promise<void> {
    for (const a of this.actors) {
      try {
        ray.kill(a);
      } catch {
        /* already dead */
      }
    }
    if (this.groupName !== undefined) await destroyCollectiveGroup(this.groupName).catch(() => {});
    await ray.removePlacementGroup(this.pg).catch(() => {});
  }
}
