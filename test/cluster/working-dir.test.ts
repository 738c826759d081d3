import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startCluster, type TestCluster } from './harness.js';

const run = promisify(execFile);
let cluster: TestCluster;
let appDir: string;

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 1 }, { cpus: 1 }]);
  // The driver runs from a copy outside the repository, which it deletes after the upload.
  appDir = mkdtempSync(join(tmpdir(), 'ray-ts-wd-app-'));
  cpSync(resolve('test/fixtures/wd-app'), appDir, { recursive: true });
  symlinkSync(resolve('node_modules'), join(appDir, 'node_modules'));
});
after(async () => {
  await cluster?.stop();
  rmSync(appDir, { recursive: true, force: true });
});

test('runtimeEnv.workingDir ships the driver\'s code: nodes run it from their unpacked copy, never the driver\'s path', { timeout: 120_000 }, async () => {
  const nodes = cluster.nodes.map((n) => n.nodeId);
  const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', join(appDir, 'driver.ts')], {
    timeout: 90_000,
    env: { ...process.env, TEST_ADDRESS: cluster.address, TEST_NODES: JSON.stringify(nodes), RAY_TS_CLUSTER_TOKEN: cluster.token, RAY_TS_HOST_ID: 'driver-host' },
  });
  const out = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(out.where.length, 2);
  for (const [i, w] of out.where.entries()) {
    assert.equal(w.node, nodes[i]);
    assert.ok(!w.url.includes(appDir), `loaded from the driver's path: ${w.url}`);
    assert.match(w.url, /runtime_resources\/working_dir\/[0-9a-f]+\/tasks\.ts$/);
    assert.ok(w.cwd.includes(`runtime_resources/working_dir/`), w.cwd);
    assert.equal(w.data, 'shipped with the code');
  }
  assert.equal(out.nested, 50);
  assert.equal(out.greeting, 'hello cluster from tasks.ts');
  // A library (Data) shipping a user function by module finds it in the unpacked copy too.
  assert.equal(out.rows, 20);
  assert.deepEqual(out.tagged, ['shipped']);
});
