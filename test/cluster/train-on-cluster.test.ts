/**
 * Train on a cluster (head + 2 node processes): workers spread over nodes, allreduce
 * between them goes over TCP (core's object pull), node/local ranks follow placement, and
 * a worker killed on one node restarts the group from the latest checkpoint.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ray from '@ray-ts/core';
import * as data from '@ray-ts/data';
import { DataParallelTrainer } from '@ray-ts/train';
import { bigAllreduceLoop, statefulLoop } from '../../packages/train/test/fixtures/train-loops.js';
import { startCluster, waitFor, type TestCluster } from './harness.js';

let cluster: TestCluster;
const storagePath = mkdtempSync(join(tmpdir(), 'train-cluster-'));

before(async () => {
  cluster = await startCluster({ cpus: 2 }, [{ cpus: 1 }, { cpus: 1 }]);
  await ray.init({ address: cluster.address, token: cluster.token });
  await waitFor(async () => (await ray.clusterResources()).CPU === 4, 15_000, '4 CPUs');
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
  rmSync(storagePath, { recursive: true, force: true });
});

test('STRICT_SPREAD workers on different nodes: exact allreduce of 1.6 MB over TCP, one node rank each', { timeout: 120_000 }, async () => {
  const result = await new DataParallelTrainer(bigAllreduceLoop, {
    trainLoopConfig: { length: 200_000 },
    scalingConfig: { numWorkers: 3, placementStrategy: 'STRICT_SPREAD' },
    runConfig: { name: 'spread', storagePath },
  }).fit();
  assert.equal(result.metrics!.exact, true);
  const ranks = result.metrics!.ranks as number[][];
  assert.deepEqual(ranks.map((r) => r[0]).sort(), [0, 1, 2], 'three node ranks');
  for (const r of ranks) assert.deepEqual(r.slice(1), [0, 1], 'alone on its node');
});

test('a worker on another node dies: the run restarts from its checkpoint and ends as an uninterrupted run', { timeout: 180_000 }, async () => {
  const rows = () => data.range(200, { overrideNumBlocks: 4 });
  const run = (name: string, crash?: { epoch: number; rank: number; marker: string }) =>
    new DataParallelTrainer(statefulLoop, {
      trainLoopConfig: { epochs: 4, crash },
      scalingConfig: { numWorkers: 2, placementStrategy: 'SPREAD' },
      datasets: { train: rows() },
      runConfig: { name, storagePath, failureConfig: { maxFailures: 1 } },
    }).fit();
  const clean = await run('clean');
  const crashed = await run('crashed', { epoch: 2, rank: 1, marker: join(storagePath, 'marker') });
  assert.equal(crashed.failures, 1);
  assert.deepEqual(crashed.metrics!.state, clean.metrics!.state);
  assert.equal(crashed.metrics!.resumedFrom, 2);
});
