import { test } from 'node:test';
import assert from 'node:assert/strict';
import { camelKeys, parseServeConfig, resolveServeConfig } from './serve-config.js';

test('serve config: camelCase and Ray snake_case keys; defaults; user values kept as they are', async () => {
  const c = resolveServeConfig({
    http_options: { port: 0, request_timeout_s: 5 },
    applications: [{ name: 'a', route_prefix: '/a', import_path: './app.ts:app', deployments: [{ name: 'M', num_replicas: 2, user_config: { some_key: 1 }, autoscaling_config: { min_replicas: 1, max_replicas: 3, upscale_delay_s: 1, look_back_period_s: 2 } }] }],
  });
  assert.deepEqual(c.httpOptions, { port: 0, requestTimeoutS: 5 });
  assert.equal(c.proxyLocation, 'EveryNode');
  assert.equal(resolveServeConfig({ proxy_location: 'HeadOnly', applications: [{ importPath: 'a.ts:x' }] }).proxyLocation, 'HeadOnly');
  const d = c.applications[0]!.deployments![0]!;
  assert.deepEqual(d, { name: 'M', numReplicas: 2, userConfig: { some_key: 1 }, autoscalingConfig: { minReplicas: 1, maxReplicas: 3, upscaleDelayS: 1, lookBackPeriodS: 2 } });
  assert.equal(c.applications[0]!.routePrefix, '/a');
  const yaml = await parseServeConfig('applications:\n  - importPath: ./x.ts:app\n', 'serve.yaml');
  assert.deepEqual(yaml.applications[0], { name: 'default', routePrefix: '/', importPath: './x.ts:app', args: {}, deployments: [] });
  assert.deepEqual(camelKeys({ args: { a_b: 1 } }), { args: { a_b: 1 } });
});

test('serve config: bad fields name themselves', () => {
  assert.throws(() => resolveServeConfig({ applications: [] }), /applications must be a non-empty list/);
  assert.throws(() => resolveServeConfig({ applications: [{ importPath: 'app.ts' }] }), /importPath must be '<module path>:<export name>'/);
  assert.throws(() => resolveServeConfig({ applications: [{ importPath: 'a.ts:x', routePrefix: 'x' }] }), /applications\[0\]\.routePrefix/);
  assert.throws(() => resolveServeConfig({ applications: [{ importPath: 'a.ts:x' }, { importPath: 'b.ts:y' }] }), /name 'default' is used twice/);
  assert.throws(() => resolveServeConfig({ applications: [{ importPath: 'a.ts:x', deployments: [{ name: 'M', numReplicas: 0 }] }] }), (e: Error) => e instanceof RangeError && /deployments\[0\]\.numReplicas/.test(e.message));
  assert.throws(() => resolveServeConfig({ applications: [{ importPath: 'a.ts:x', deployments: [{ name: 'M', replicas: 2 }] }] }), /deployments\[0\]\.replicas is not a config field/);
  assert.throws(() => resolveServeConfig({ applications: [{ import_path: 'a.ts:x', deployments: [{ name: 'M', autoscaling_config: { look_back_period_s: 0 } }] }] }), (e: Error) => e instanceof RangeError && /applications\[0\]\.deployments\[0\]\.autoscalingConfig\.lookBackPeriodS must be greater than 0/.test(e.message));
  assert.throws(() => resolveServeConfig({ httpOptions: { port: -1 }, applications: [{ importPath: 'a.ts:x' }] }), /httpOptions\.port/);
  assert.throws(() => resolveServeConfig({ proxy: {}, applications: [{ importPath: 'a.ts:x' }] }), /proxy is not a config field/);
  assert.throws(() => resolveServeConfig({ proxyLocation: 'Everywhere', applications: [{ importPath: 'a.ts:x' }] }), /serve config\.proxyLocation must be one of 'EveryNode', 'HeadOnly'/);
});
