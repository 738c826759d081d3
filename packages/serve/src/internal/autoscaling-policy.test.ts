import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OngoingRequestsPolicy } from './autoscaling-policy.js';

const cfg = { minReplicas: 1, maxReplicas: 4, targetOngoingRequests: 2, upscaleDelayS: 1, downscaleDelayS: 2 };

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
