import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostOf, planProxies, type PlanNode } from './proxy-plan.js';

const node = (nodeId: string, address: string, startTimeMs: number, isHead = false, state: PlanNode['state'] = 'ALIVE'): PlanNode => ({ nodeId, address, startTimeMs, isHead, state });

test('hostOf takes the host of host:port addresses', () => {
  assert.equal(hostOf('10.0.0.2:6380'), '10.0.0.2');
  assert.equal(hostOf('[::1]:6380'), '::1');
  assert.equal(hostOf('/tmp/session/node.sock'), '');
});

test('EveryNode: one proxy per alive node; nodes sharing a host take port + k, head first', () => {
  const nodes = [node('w2', '127.0.0.1:7002', 30), node('w1', '127.0.0.1:7001', 20), node('h', '127.0.0.1:7000', 10, true), node('x', '10.0.0.9:7000', 40), node('d', '127.0.0.1:7003', 5, false, 'DEAD')];
  const plan = planProxies(nodes, 'EveryNode', 8000, new Map());
  assert.deepEqual(plan.map((p) => [p.nodeId, p.port]), [['h', 8000], ['w1', 8001], ['w2', 8002], ['x', 8000]]);
  assert.deepEqual(planProxies(nodes, 'EveryNode', 0, new Map()).map((p) => p.port), [0, 0, 0, 0]);
});

test('proxies keep their ports; a node that joins takes the lowest free offset on its host', () => {
  const existing = new Map([['h', 0], ['w2', 2]]); // w1 (offset 1) has left
  const nodes = [node('h', '127.0.0.1:7000', 10, true), node('w2', '127.0.0.1:7002', 30), node('w3', '127.0.0.1:7004', 50)];
  assert.deepEqual(planProxies(nodes, 'EveryNode', 8000, existing).map((p) => [p.nodeId, p.port]), [['h', 8000], ['w2', 8002], ['w3', 8001]]);
});

test('HeadOnly: one proxy, on the head node', () => {
  const nodes = [node('w1', '127.0.0.1:7001', 1), node('h', '127.0.0.1:7000', 10, true)];
  assert.deepEqual(planProxies(nodes, 'HeadOnly', 8000, new Map()).map((p) => [p.nodeId, p.port]), [['h', 8000]]);
});
