import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDeploymentOptions, resolveRunOptions } from './options.js';
import { batch } from './batch.js';

test('deployment options: defaults, and bad fields name themselves', () => {
  const o = resolveDeploymentOptions(undefined, 'M');
  assert.equal(o.name, 'M');
  assert.equal(o.numReplicas, 1);
  assert.equal(o.maxOngoingRequests, 5);
  assert.equal(o.streamBackpressureNumObjects, 16);
  assert.equal(resolveDeploymentOptions({ streamBackpressureNumObjects: -1 }, 'M').streamBackpressureNumObjects, -1);
  assert.throws(() => resolveDeploymentOptions({ streamBackpressureNumObjects: 0 }, 'M'), (e: Error) => e instanceof RangeError && /streamBackpressureNumObjects/.test(e.message));
  assert.ok(Object.isFrozen(o));
  assert.throws(() => resolveDeploymentOptions({ numReplicas: 0 }, 'M'), (e: Error) => e instanceof RangeError && /numReplicas/.test(e.message));
  assert.throws(() => resolveDeploymentOptions({ numReplicas: 1.5 }, 'M'), (e: Error) => e instanceof TypeError && /numReplicas/.test(e.message));
  assert.throws(() => resolveDeploymentOptions({ maxOngoingRequests: -1 }, 'M'), /maxOngoingRequests/);
  assert.throws(() => resolveDeploymentOptions({ maxQueuedRequests: -2 }, 'M'), (e: Error) => e instanceof RangeError && /maxQueuedRequests/.test(e.message));
  assert.throws(() => resolveDeploymentOptions({ numReplica: 2 } as never, 'M'), (e: Error) => e instanceof TypeError && /numReplica is not an option/.test(e.message));
  assert.throws(() => resolveDeploymentOptions({ rayActorOptions: { name: 'x' } as never }, 'M'), /rayActorOptions\.name/);
  assert.throws(() => resolveDeploymentOptions({ autoscalingConfig: { minReplicas: 3, maxReplicas: 2 } }, 'M'), (e: Error) => e instanceof RangeError && /maxReplicas/.test(e.message));
  assert.throws(() => resolveDeploymentOptions({ autoscalingConfig: { targetOngoingRequests: 0 } }, 'M'), /targetOngoingRequests/);
  const a = resolveDeploymentOptions({ autoscalingConfig: { maxReplicas: 4 } }, 'M').autoscalingConfig!;
  assert.deepEqual({ ...a }, { minReplicas: 1, maxReplicas: 4, targetOngoingRequests: 2, upscaleDelayS: 30, downscaleDelayS: 600, lookBackPeriodS: 30 });
  assert.equal(resolveDeploymentOptions({ autoscalingConfig: { lookBackPeriodS: 0.5 } }, 'M').autoscalingConfig!.lookBackPeriodS, 0.5);
  assert.throws(() => resolveDeploymentOptions({ autoscalingConfig: { lookBackPeriodS: 0 } }, 'M'), (e: Error) => e instanceof RangeError && /autoscalingConfig\.lookBackPeriodS must be greater than 0/.test(e.message));
  assert.throws(() => resolveDeploymentOptions({ autoscalingConfig: { lookBackPeriodS: '5' as never } }, 'M'), (e: Error) => e instanceof TypeError && /lookBackPeriodS/.test(e.message));
});

test('run options: defaults, prefixes, and bad fields name themselves', () => {
  const o = resolveRunOptions(undefined);
  assert.equal(o.proxyLocation, 'EveryNode');
  assert.equal(resolveRunOptions({ proxyLocation: 'HeadOnly' }).proxyLocation, 'HeadOnly');
  assert.throws(() => resolveRunOptions({ proxyLocation: 'Disabled' as never }), (e: Error) => e instanceof TypeError && /proxyLocation must be one of/.test(e.message));
  assert.deepEqual({ ...o }, { name: 'default', routePrefix: '/', port: 8000, host: '127.0.0.1', requestTimeoutS: 60, readyTimeoutMs: 120_000, proxyLocation: 'EveryNode' });
  assert.equal(resolveRunOptions({ routePrefix: '/a/' }).routePrefix, '/a');
  assert.equal(resolveRunOptions({ routePrefix: null }).routePrefix, null);
  assert.throws(() => resolveRunOptions({ routePrefix: 'a' }), (e: Error) => e instanceof TypeError && /routePrefix/.test(e.message));
  assert.throws(() => resolveRunOptions({ port: 70000 }), (e: Error) => e instanceof RangeError && /port/.test(e.message));
  assert.throws(() => resolveRunOptions({ requestTimeoutS: 0 }), /requestTimeoutS/);
  assert.throws(() => resolveRunOptions({ prefix: '/' } as never), /prefix is not an option/);
});

test('serve.batch: options checked; calls batched up to maxBatchSize; errors reach every caller', async () => {
  assert.throws(() => batch(async (xs: number[]) => xs, { maxBatchSize: 0 }), (e: Error) => e instanceof RangeError && /maxBatchSize/.test(e.message));
  assert.throws(() => batch(async (xs: number[]) => xs, { batchWaitTimeoutS: -1 }), /batchWaitTimeoutS/);
  const sizes: number[] = [];
  const f = batch(async (xs: number[]) => {
    sizes.push(xs.length);
    return xs.map((x) => x + 1);
  }, { maxBatchSize: 3, batchWaitTimeoutS: 0.05 });
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((x) => f(x))), [2, 3, 4, 5, 6]);
  assert.deepEqual(sizes, [3, 2]);
  const bad = batch(async (xs: number[]) => xs.slice(1));
  await assert.rejects(Promise.all([bad(1), bad(2)]), /must return an array of 2 results/);
});

test('serve.deployment checks its arguments at the call site', async () => {
  const { deployment } = await import('./deployment.js');
  assert.throws(() => deployment(class X {}, { numReplicas: 0 }), (e: Error) => e instanceof RangeError && /numReplicas/.test(e.message));
  assert.throws(() => deployment((() => 1) as never), (e: Error) => e instanceof TypeError && /must be a class/.test(e.message));
  const d = deployment(class Y {}, { maxOngoingRequests: 3 }).withOptions({ name: 'Z' });
  assert.equal(d.name, 'Z');
  assert.equal(d.options.maxOngoingRequests, 3);
});
