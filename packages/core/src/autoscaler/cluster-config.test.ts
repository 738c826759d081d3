import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveClusterConfig } from './cluster-config.js';

const base = { clusterName: 'demo', provider: { type: 'local' }, availableNodeTypes: { cpu2: { resources: { CPU: 2 }, maxWorkers: 4 } } };

test('defaults are filled and the result is frozen', () => {
  const c = resolveClusterConfig(base);
  assert.equal(c.idleTimeoutS, 300);
  assert.equal(c.upscalingSpeed, 1);
  assert.equal(c.availableNodeTypes.cpu2!.minWorkers, 0);
  assert.equal(c.maxWorkers, undefined);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.availableNodeTypes.cpu2));
  const k = resolveClusterConfig({ ...base, provider: { type: 'kubernetes' } });
  assert.deepEqual(k.provider, { type: 'kubernetes', namespace: 'ray-ts', image: 'ray-ts:latest', headAddress: 'ray-ts-head:6380', tokenSecret: 'ray-ts-cluster-token', workerTemplate: 'ray-ts-worker' });
});

test('errors name the field', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ ...base, clusterName: 'Bad Name' }, /clusterName/],
    [{ ...base, provider: { type: 'aws' } }, /provider\.type must be 'local' or 'kubernetes'/],
    [{ ...base, provider: { type: 'local', zone: 1 } }, /provider\.zone is not a known field/],
    [{ ...base, availableNodeTypes: { cpu2: { resources: { CPU: 2 } } } }, /availableNodeTypes\.cpu2\.maxWorkers must be an integer/],
    [{ ...base, availableNodeTypes: { cpu2: { resources: { CPU: -1 }, maxWorkers: 1 } } }, /availableNodeTypes\.cpu2\.resources\.CPU must be a number >= 0/],
    [{ ...base, availableNodeTypes: { cpu2: { resources: { CPU: 2 }, minWorkers: 3, maxWorkers: 1 } } }, /maxWorkers \(1\) must be >= minWorkers \(3\)/],
    [{ ...base, availableNodeTypes: {} }, /availableNodeTypes must name at least one node type/],
    [{ ...base, idleTimeoutS: -1 }, /idleTimeoutS must be a number >= 0/],
    [{ ...base, upscalingspeed: 2 }, /cluster config\.upscalingspeed is not a known field/],
    [{ ...base, headNode: { resources: { CPU: 'x' } } }, /headNode\.resources\.CPU/],
  ];
  for (const [raw, re] of bad) assert.throws(() => resolveClusterConfig(raw), re);
});
