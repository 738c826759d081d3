import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandleMetricsStore, deploymentKey } from './handle-metrics.js';

test('handle metrics: queued counts add up over handles; a zero report removes a handle', () => {
  const s = new HandleMetricsStore(3000);
  const k = deploymentKey('app', 'Model');
  s.report(k, 'driver', 5, 0);
  s.report(k, 'proxy', 2, 100);
  s.report(deploymentKey('app', 'Other'), 'driver', 7, 100);
  assert.equal(s.totalQueued(k, 200), 7);
  s.report(k, 'driver', 3, 300); // the latest report of a handle replaces its earlier one
  assert.equal(s.totalQueued(k, 400), 5);
  s.report(k, 'proxy', 0, 500);
  assert.equal(s.totalQueued(k, 600), 3);
  assert.equal(s.totalQueued(deploymentKey('app', 'Missing'), 600), 0);
});

test('handle metrics: a report older than the expiry is forgotten (its handle went away)', () => {
  const s = new HandleMetricsStore(3000);
  const k = deploymentKey('app', 'Model');
  s.report(k, 'gone', 4, 0);
  s.report(k, 'alive', 1, 2500);
  assert.equal(s.totalQueued(k, 3000), 5);
  assert.equal(s.totalQueued(k, 3001), 1);
  s.report(k, 'alive', 1, 5000); // still reporting: kept
  assert.equal(s.totalQueued(k, 7000), 1);
  assert.equal(s.totalQueued(k, 8001), 0);
});

test('handle metrics: deleting an application forgets its reports', () => {
  const s = new HandleMetricsStore(3000);
  s.report(deploymentKey('a', 'M'), 'h', 2, 0);
  s.report(deploymentKey('ab', 'M'), 'h', 3, 0);
  s.forgetApp('a');
  assert.equal(s.totalQueued(deploymentKey('a', 'M'), 1), 0);
  assert.equal(s.totalQueued(deploymentKey('ab', 'M'), 1), 3);
});
