import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startCluster, type TestCluster } from './harness.js';

const run = promisify(execFile);
let cluster: TestCluster;

before(async () => {
  cluster = await startCluster({ cpus: 1 }, [{ cpus: 2 }, { cpus: 2 }]);
});
after(async () => {
  await cluster?.stop();
});

/** Runs log-relay-driver.ts against the head; its stdout and stderr. */
async function driver(env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; ran: Array<{ tag: string; nodeId: string; pid: number }> }> {
  const { stdout, stderr } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', 'test/cluster/log-relay-driver.ts'], {
    timeout: 60_000,
    env: {
      ...process.env, TEST_ADDRESS: cluster.address, TEST_TOKEN: cluster.token, TEST_NODES: JSON.stringify(cluster.nodes.map((n) => n.nodeId)),
      RAY_TS_LOG_DEDUP_WINDOW_MS: '60000', ...env,
    },
  });
  const result = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(result, `no RESULT line in\n${stdout}\n${stderr}`);
  return { stdout, stderr, ran: JSON.parse(result.slice('RESULT '.length)) };
}

test('output of tasks on other nodes reaches the driver with pid, ip and node in the prefix, deduplicated across nodes', { timeout: 90_000 }, async () => {
  const { stdout, stderr, ran } = await driver();
  assert.equal(new Set(ran.map((r) => r.nodeId)).size, 2);
  for (const r of ran) {
    const prefix = `(shout pid=${r.pid}, ip=127.0.0.1, node=${r.nodeId.slice(0, 8)})`;
    assert.ok(stdout.includes(`${prefix} hello from ${r.nodeId} task ${r.tag}\n`), `stdout lacks ${prefix} hello ... ${r.tag}:\n${stdout}`);
    assert.ok(stderr.includes(`${prefix} warning from ${r.nodeId} task ${r.tag}\n`), `stderr lacks ${prefix} warning ... ${r.tag}:\n${stderr}`);
    assert.ok(!stdout.includes(`warning from ${r.nodeId} task ${r.tag}`), 'stderr lines stay on stderr');
  }
  // The line all four workers printed: shown once, then summarised when the driver shuts down.
  const same = stdout.split('\n').filter((l) => l.includes('the same line from every worker'));
  const copies = same.reduce((n, l) => n + Number(/\[repeated (\d+)x across cluster\]$/.exec(l)?.[1] ?? 1), 0);
  assert.equal(copies, ran.length, stdout);
  const sources = new Set(ran.map((r) => `${r.nodeId}:${r.pid}`)).size;
  assert.equal(sources, 4, `tasks ran on ${sources} workers, expected 4`);
  assert.match(same[0]!, /^\(shout pid=\d+, ip=127\.0\.0\.1, node=\w{8}\) the same line from every worker$/);
  assert.ok(same.some((l) => / \[repeated 3x across cluster\]$/.test(l)), stdout);
});

test('logToDriver: false keeps worker output off the driver', { timeout: 90_000 }, async () => {
  const { stdout, stderr, ran } = await driver({ TEST_LOG_TO_DRIVER: '0' });
  assert.equal(ran.length, 4);
  assert.ok(!stdout.includes('hello from') && !stdout.includes('the same line'), stdout);
  assert.ok(!stderr.includes('warning from'), stderr);
});
