import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppSpec, DeploymentSpec } from './app-spec.js';
import { canUpdateInPlace, lightweightChange } from './in-place-update.js';

const dep = (o: Partial<DeploymentSpec['options']> = {}, args: unknown[] = []): DeploymentSpec => ({
  name: 'M', definition: { module: 'file:///a.ts', key: '0:M' }, methods: ['__call__'], args,
  options: { name: 'M', numReplicas: 1, maxOngoingRequests: 5, maxQueuedRequests: -1, rayActorOptions: {}, streamBackpressureNumObjects: 16, ...o },
});
const app = (d: DeploymentSpec, codeVersion?: string): AppSpec => ({ name: 'a', routePrefix: '/', ingress: 'M', requestTimeoutS: 60, readyTimeoutMs: 1000, deployments: [d], codeVersion });

test('in place only with the same code version, args and actor options', () => {
  assert.ok(canUpdateInPlace(app(dep(), 'v1'), app(dep({ numReplicas: 3, userConfig: { a: 1 } }), 'v1')));
  assert.equal(canUpdateInPlace(app(dep(), undefined), app(dep(), undefined)), false, 'serve.run always rolls over');
  assert.equal(canUpdateInPlace(app(dep(), 'v1'), app(dep(), 'v2')), false);
  assert.equal(canUpdateInPlace(app(dep({}, [1]), 'v1'), app(dep({}, [2]), 'v1')), false);
  assert.equal(canUpdateInPlace(app(dep(), 'v1'), app(dep({ rayActorOptions: { numCpus: 1 } }), 'v1')), false);
});

test('lightweightChange tells userConfig and autoscaling changes apart', () => {
  assert.deepEqual(lightweightChange(dep({ userConfig: { a: 1 } }), dep({ userConfig: { a: 1 }, numReplicas: 2 })), { userConfig: false, autoscaling: false });
  assert.deepEqual(lightweightChange(dep(), dep({ userConfig: { a: 2 } })), { userConfig: true, autoscaling: false });
});
