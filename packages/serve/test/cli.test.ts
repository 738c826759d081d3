import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCluster, type TestCluster } from '../../../test/cluster/harness.js';

const exec = promisify(execFile);
const CLI = new URL('../bin/ray-ts-serve.mjs', import.meta.url).pathname;
const APP = new URL('./fixtures/config-app.ts', import.meta.url).pathname;

let cluster: TestCluster;
let dir = '';

async function cli(...args: string[]): Promise<string> {
  const r = await exec(process.execPath, [CLI, ...args, '--address', cluster.address], {
    timeout: 120_000, env: { ...process.env, RAY_TS_CLUSTER_TOKEN: cluster.token },
  });
  return r.stdout;
}

function config(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

before(async () => {
  cluster = await startCluster({ cpus: 2 }, []);
  dir = mkdtempSync(join(tmpdir(), 'ray-ts-serve-cli-'));
});

after(async () => {
  await cli('shutdown').catch(() => undefined);
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('ray-ts-serve deploy | status | shutdown against a running cluster; userConfig and numReplicas update in place', { timeout: 240_000 }, async () => {
  const v1 = config('serve.yaml', `http_options:\n  port: 0\napplications:\n  - name: greet\n    route_prefix: /greet\n    import_path: ${APP}:app\n    deployments:\n      - name: Greeter\n        user_config: { greeting: hi }\n`);
  assert.match(await cli('deploy', v1), /deployed 'greet'/);
  const st = JSON.parse(await cli('status', '--json'));
  assert.equal(st.applications.greet.status, 'RUNNING');
  const url = `http://127.0.0.1:${st.proxy.port}/greet?name=ray`;
  const first = (await (await fetch(url)).json()) as { msg: string; pid: number; reconfigures: number };
  assert.equal(first.msg, 'hi, ray', 'the app kept serving after the deploying CLI exited');

  const v2 = config('serve.yaml', `http_options:\n  port: 0\napplications:\n  - name: greet\n    route_prefix: /greet\n    import_path: ${APP}:app\n    deployments:\n      - name: Greeter\n        num_replicas: 2\n        user_config: { greeting: hey }\n`);
  await cli('deploy', v2);
  const st2 = JSON.parse(await cli('status', '--json'));
  assert.equal(st2.applications.greet.deployments.Greeter.runningReplicas, 2);
  assert.ok(st2.applications.greet.deployments.Greeter.replicaNames.includes(st.applications.greet.deployments.Greeter.replicaNames[0]), 'the first replica was kept');
  const seen = new Map<number, { msg: string; reconfigures: number }>();
  for (let i = 0; i < 20 && seen.size < 2; i++) {
    const r = (await (await fetch(url)).json()) as { msg: string; pid: number; reconfigures: number };
    seen.set(r.pid, r);
  }
  assert.equal(seen.get(first.pid)?.msg, 'hey, ray', 'the old replica was reconfigured in place');
  assert.equal(seen.get(first.pid)?.reconfigures, 2);
  for (const r of seen.values()) assert.equal(r.msg, 'hey, ray');

  const v3 = config('serve.json', JSON.stringify({ httpOptions: { port: 0 }, applications: [{ name: 'built', routePrefix: '/built', importPath: `${APP}:build`, args: { greeting: 'yo' } }] }));
  assert.match(await cli('deploy', v3), /deployed 'built'; deleted 'greet'/);
  const built = (await (await fetch(`http://127.0.0.1:${st.proxy.port}/built`)).json()) as { msg: string };
  assert.equal(built.msg, 'yo, world');
  assert.equal((await fetch(url)).status, 404);

  assert.match(await cli('shutdown'), /Serve shut down/);
  assert.match(await cli('status'), /applications: none/);
});

test('ray-ts-serve reports a bad config with the field at fault', { timeout: 120_000 }, async () => {
  const bad = config('bad.yaml', `applications:\n  - import_path: ${APP}:app\n    deployments:\n      - name: Greeter\n        num_replicas: 0\n`);
  await assert.rejects(cli('deploy', bad), (e: Error & { stderr: string }) => /deployments\[0\]\.numReplicas/.test(e.stderr));
  const missing = config('missing.yaml', `applications:\n  - import_path: ${APP}:nope\n`);
  await assert.rejects(cli('deploy', missing), (e: Error & { stderr: string }) => /has no export 'nope'/.test(e.stderr));
});
