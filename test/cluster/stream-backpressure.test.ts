// Streaming backpressure across nodes: a generator pinned to a worker node, consumed by a
// driver attached to the head, stays within generatorBackpressureNumObjects of its consumer
// (the consumer's requests reach the executing node, which acks to its worker).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { Counter, counted } from '../fixtures/backpressure-defs.js';
import { startCluster, type TestCluster } from './harness.js';

let cluster: TestCluster;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 1 }]);
  await ray.init({ address: cluster.address, token: cluster.token });
});
after(async () => {
  ray.shutdown();
  await cluster?.stop();
});

test('a generator on another node pauses N items ahead of its consumer and yields everything in order', { timeout: 60_000 }, async () => {
  const N = 3;
  const counter = Counter.remote();
  const there = { type: 'NODE_AFFINITY' as const, nodeId: cluster.nodes[0]!.nodeId };
  const gen = counted.options({ generatorBackpressureNumObjects: N, schedulingStrategy: there }).remote(20, counter);
  const seen: number[] = [];
  for await (const ref of gen) {
    seen.push(await ray.get(ref));
    if (seen.length % 5 === 1) await sleep(200);
    const produced = await ray.get(counter.get.remote());
    assert.ok(produced - seen.length <= N, `produced ${produced} with ${seen.length} consumed (limit ${N})`);
  }
  assert.deepEqual(seen, [...Array(20).keys()]);
});
