import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LookBackWindow, OngoingRequestsPolicy } from './autoscaling-policy.js';

// lookBackPeriodS 0.001: every decision sees only the latest sample (no averaging).
const cfg = { minReplicas: 1, maxReplicas: 4, targetOngoingRequests: 2, upscaleDelayS: 1, downscaleDelayS: 2, lookBackPeriodS: 0.001 };

test('scales up only after the upscale delay, clamped to maxReplicas', () => {
  const p = new OngoingRequestsPolicy(cfg);
  assert.equal(p.decide(1, 20, 0), 1);
  assert.equal(p.decide(1, 20, 500), 1);
  assert.equal(p.decide(1, 20, 1000), 4);
});

test('scales down only after the downscale delay, never below minReplicas', () => {
  const p = new OngoingRequestsPolicy(cfg);
  assert.equal(p.decide(4, 0, 0), 4);
  assert.equal(p.decide(4, 0, 1999), 4);
  assert.equal(p.decide(4, 0, 2000), 1);
});

test('a load that comes back resets the delay', () => {
  const p = new OngoingRequestsPolicy(cfg);
  assert.equal(p.decide(2, 0, 0), 2);
  assert.equal(p.decide(2, 4, 1500), 2);
  assert.equal(p.decide(2, 0, 2500), 2);
  assert.equal(p.decide(2, 0, 4500), 1);
});

test('window: the mean of the samples of the last period; the latest sample always counts', () => {
  const w = new LookBackWindow(1000);
  assert.equal(w.average(), 0);
  w.add(4, 0);
  assert.equal(w.average(), 4); // one sample: not diluted by history it never had
  w.add(8, 500);
  assert.equal(w.average(), 6);
  w.add(0, 1000); // the sample at 0 is now a full period old: dropped
  assert.deepEqual([w.average(), w.size], [4, 2]);
  w.add(2, 5000); // a long gap (a stalled control loop): only the latest sample is left
  assert.deepEqual([w.average(), w.size], [2, 1]);
});

/** A load that jumps between 0 and a batch of 8 on alternate 200 ms reads (a tiny batched model). */
function spiky(p: OngoingRequestsPolicy, current: number, fromMs: number, toMs: number): number {
  for (let t = fromMs; t <= toMs; t += 200) current = p.decide(current, (t / 200) % 2 === 0 ? 8 : 0, t);
  return current;
}

test('a load that jumps between 0 and a batch scales up on its average, not on single reads', () => {
  const instant = new OngoingRequestsPolicy(cfg);
  assert.equal(spiky(instant, 1, 0, 20_000), 1, 'every read of 0 restarts the upscale delay');
  const averaged = new OngoingRequestsPolicy({ ...cfg, lookBackPeriodS: 2 });
  // Mean 4 (> target 2): desired ceil(4 / 2) = 2 from the first reads, kept for upscaleDelayS.
  assert.equal(spiky(averaged, 1, 0, 800), 1);
  assert.equal(spiky(averaged, 1, 1000, 1000), 2);
});

test('a fresh deployment with a long window scales up on the samples it has', () => {
  const p = new OngoingRequestsPolicy({ ...cfg, upscaleDelayS: 0, lookBackPeriodS: 30 });
  assert.equal(p.decide(1, 10, 0), 4);
});

test('after the load ends, the average decays over the window, then the downscale delay runs', () => {
  const p = new OngoingRequestsPolicy({ ...cfg, upscaleDelayS: 0, downscaleDelayS: 1, lookBackPeriodS: 2 });
  let n = 1;
  for (let t = 0; t <= 2000; t += 200) n = p.decide(n, 8, t);
  assert.equal(n, 4);
  // Load 0 from 2200 ms. The window (t - 2000, t] still holds 8s: mean 5.6 at 2600 ms, the
  // first time fewer than 4 replicas are wanted (3), which starts the downscale delay.
  for (let t = 2200; t <= 3000; t += 200) n = p.decide(n, 0, t);
  assert.equal(p.averageOngoing, 4); // (1000, 3000]: five 8s and five 0s
  assert.equal(n, 4);
  for (let t = 3200; t <= 3400; t += 200) n = p.decide(n, 0, t);
  assert.equal(n, 4, 'downscaleDelayS (1 s) has not passed since 2600 ms');
  n = p.decide(n, 0, 3600); // mean 1.6: 1 replica wanted
  assert.equal(n, 1);
});

test('with no downscale delay, replicas follow the average down as zeros fill the window', () => {
  const p = new OngoingRequestsPolicy({ ...cfg, upscaleDelayS: 0, downscaleDelayS: 0, lookBackPeriodS: 10 });
  assert.equal(p.decide(1, 8, 0), 4);
  assert.equal(p.decide(4, 0, 200), 2); // mean 4
  assert.equal(p.decide(2, 0, 400), 2); // mean 2.67
  assert.equal(p.decide(2, 0, 600), 1); // mean 2
});
