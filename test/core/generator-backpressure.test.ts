// Streaming generators with generatorBackpressureNumObjects: the executing worker never runs
// more than N items ahead of a slow consumer, and everything still arrives in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import { Counter, Producer, counted } from '../fixtures/backpressure-defs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  await ray.init({ numCpus: 2 });
});
after(() => ray.shutdown());

test('generatorBackpressureNumObjects is validated where it is passed', () => {
  assert.throws(() => counted.options({ generatorBackpressureNumObjects: 0 }), RangeError);
  assert.throws(() => counted.options({ generatorBackpressureNumObjects: 1.5 }), /generatorBackpressureNumObjects must be an integer/);
  assert.throws(() => counted.options({ generatorBackpressureNumObjects: '4' as unknown as number }), TypeError);
  const p = Producer.remote();
  assert.throws(() => p.items.options({ generatorBackpressureNumObjects: -2 }), RangeError);
  counted.options({ generatorBackpressureNumObjects: -1 }); // no limit
  ray.kill(p);
});

test('a task generator with backpressure N stays within N items of a slow consumer, in order', { timeout: 60_000 }, async () => {
  const N = 3;
  const total = 25;
  const counter = Counter.remote();
  const seen: number[] = [];
  let maxAhead = 0;
  for await (const ref of counted.options({ generatorBackpressureNumObjects: N }).remote(total, counter)) {
    seen.push(await ray.get(ref));
    if (seen.length % 5 === 1) await sleep(150); // time for the generator to run ahead if it could
    const produced = await ray.get(counter.get.remote());
    maxAhead = Math.max(maxAhead, produced - seen.length);
    assert.ok(produced - seen.length <= N, `produced ${produced} with ${seen.length} consumed (limit ${N})`);
  }
  assert.deepEqual(seen, [...Array(total).keys()]);
  assert.ok(maxAhead >= N - 1, `the generator did run ahead while the consumer slept (max ${maxAhead})`);

  // Without a limit the same generator runs to the end while the consumer sleeps.
  const free = Counter.remote();
  const gen = counted.remote(total, free);
  const first = await gen.nextRef();
  assert.equal(await ray.get(first!), 0);
  const end = Date.now() + 10_000;
  while ((await ray.get(free.get.remote())) < total && Date.now() < end) await sleep(50);
  assert.equal(await ray.get(free.get.remote()), total);
  for await (const ref of gen) await ray.get(ref);
});

test('an actor generator method pauses at the limit and resumes as its caller reads', { timeout: 60_000 }, async () => {
  const N = 2;
  const p = Producer.remote();
  const gen = p.items.options({ generatorBackpressureNumObjects: N }).remote(1000);
  const seen: number[] = [];
  for (let i = 0; i < 4; i++) seen.push(await ray.get((await gen.nextRef())!));
  await sleep(300);
  const paused = await ray.get(p.stats.remote());
  assert.ok(paused.produced <= seen.length + N, `paused at ${paused.produced} with ${seen.length} consumed`);
  await sleep(200);
  assert.equal((await ray.get(p.stats.remote())).produced, paused.produced, 'it stays paused while the caller does not read');
  for (let i = 0; i < 40; i++) seen.push(await ray.get((await gen.nextRef())!));
  const later = await ray.get(p.stats.remote());
  assert.ok(later.produced >= seen.length && later.produced <= seen.length + N, `resumed: ${later.produced} produced, ${seen.length} consumed`);
  assert.deepEqual(seen, [...Array(44).keys()]);

  // Cancelled while paused: the items made before arrive in order, then TaskCancelledError; the generator's finally runs.
  ray.cancel(gen);
  let error: unknown;
  for await (const ref of gen) {
    try {
      seen.push(await ray.get(ref));
    } catch (e) {
      error = e;
    }
  }
  assert.ok(error instanceof ray.TaskCancelledError, `got ${String(error)}`);
  assert.deepEqual(seen, [...Array(seen.length).keys()]);
  assert.ok(seen.length <= 44 + N);
  const end = Date.now() + 10_000;
  while ((await ray.get(p.stats.remote())).closed < 1 && Date.now() < end) await sleep(50);
  assert.equal((await ray.get(p.stats.remote())).closed, 1);
  ray.kill(p);
});
