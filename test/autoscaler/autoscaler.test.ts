/**
 * The autoscaler with the local provider, as processes: `ray-ts up` starts a head with 0
 * CPUs and node type cpu1 ({CPU: 1}, maxWorkers 3); work makes it launch worker node
 * processes, idleness removes them. Waits on conditions with deadlines, never on timing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ray from '@ray-ts/core';
import * as defs from './autoscaler-defs.js';
import { waitFor } from '../cluster/harness.js';
import { fetchStatus, formatStatus } from '../../packages/core/src/cli/status.js';
import { readHeadInfo } from '../../packages/core/src/cli/head-file.js';
import { clusterDown, clusterUp } from '../../packages/core/src/cli/up-down.js';
import type { AutoscalerReport } from '../../packages/core/src/autoscaler/autoscaler-types.js';

const token = 'as-test-' + Math.random().toString(36).slice(2);
const dir = mkdtempSync(join(tmpdir(), 'ray-ts-autoscaler-'));
const configFile = join(dir, 'cluster.yaml');
const seenNodes = new Set<string>();
let address = '';

writeFileSync(configFile, `
clusterName: as-test
provider:
  type: local
  objectStoreMemory: 134217728
headNode:
  resources: { CPU: 0 }
availableNodeTypes:
  cpu1:
    resources: { CPU: 1 }
    minWorkers: 0
    maxWorkers: 3
idleTimeoutS: 3
updateIntervalS: 0.5
`);


async function report(): Promise<AutoscalerReport> {
  const s = await fetchStatus(undefined, { address, token });
  assert.ok(s.autoscaler, 'the head reports its autoscaler');
  for (const n of s.autoscaler.nodes) if (n.nodeId) seenNodes.add(n.nodeId);
  return s.autoscaler;
}

/** What a failed assertion shows: the decisions and the end of the head's log. */
function diagnose(r: AutoscalerReport): string {
  const decisions = r.decisions.map((d) => `  ${new Date(d.at).toISOString()} ${d.action} ${d.nodeType ?? ''} ${d.count ?? ''} ${d.reason}`).join('\n');
  let log = '';
  try {
    log = readFileSync(join(dir, 'node.log'), 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    /* no log */
  }
  return `decisions:\n${decisions}\nhead log (end):\n${log}`;
}

const workers = async () => (await report()).nodes.length;
const aliveWorkers = async () => (await fetchStatus(undefined, { address, token })).nodes!.filter((n) => n.state === 'ALIVE' && !n.isHead).length;

before(async () => {
  // What `ray-ts up cluster.yaml` / `ray-ts down cluster.yaml` run (the CLI adds only printing).
  await clusterUp(configFile, { tempDir: dir, port: 0, token });
  address = readHeadInfo(dir)!.address;
  await ray.init({ address, token });
});

after(async () => {
  ray.shutdown();
  try {
    await clusterDown(configFile, { tempDir: dir });
  } finally {
    for (const f of readdirSync('/dev/shm')) if ([...seenNodes].some((id) => f.startsWith(`rts-${id}-`))) rmSync(join('/dev/shm', f), { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a burst of 40 one-CPU tasks adds nodes up to maxWorkers; idle nodes go after idleTimeoutS', { timeout: 150_000 }, async (t) => {
  assert.equal(await workers(), 0);
  const refs = Array.from({ length: 40 }, (_, i) => defs.slowDouble.remote(i, 300));
  let most = 0;
  await waitFor(async () => {
    most = Math.max(most, await workers());
    return most >= 2;
  }, 60_000, 'nodes launched for the burst');
  const out = await ray.get(refs, { timeout: 120_000 });
  assert.deepEqual(out.map((o) => o.y), Array.from({ length: 40 }, (_, i) => i * 2));
  t.diagnostic(`the tasks ran on ${new Set(out.map((o) => o.node)).size} node(s)`);
  most = Math.max(most, await workers());
  assert.ok(most <= 3, `at most maxWorkers (3) nodes, saw ${most}`);
  const r = await report();
  assert.ok(r.decisions.some((d) => d.action === 'launch' && d.nodeType === 'cpu1' && /pending demand \{"CPU":1\}/.test(d.reason)), JSON.stringify(r.decisions));
  const launched = r.decisions.filter((d) => d.action === 'launch').reduce((n, d) => n + (d.count ?? 0), 0);
  assert.equal(launched, 3, `launched ${launched} nodes in all for the burst (maxWorkers 3, none relaunched)\n${diagnose(r)}`);
  await waitFor(async () => (await workers()) === 0 && (await aliveWorkers()) === 0, 60_000, 'idle nodes removed');
  assert.ok((await report()).decisions.some((d) => d.action === 'terminate' && /idle/.test(d.reason)));
});

test('a STRICT_SPREAD placement group of 3 bundles launches 3 nodes', { timeout: 120_000 }, async () => {
  const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }], { strategy: 'STRICT_SPREAD' });
  await pg.ready(90_000);
  const r = await report();
  assert.equal(r.nodes.length, 3);
  assert.ok(r.decisions.some((d) => d.action === 'launch' && /STRICT_SPREAD/.test(d.reason)));
  await ray.removePlacementGroup(pg);
  await waitFor(async () => (await workers()) === 0, 60_000, 'nodes removed after the group');
});

test('infeasible demand warns in status and launches nothing', { timeout: 60_000 }, async () => {
  const ref = defs.needsGpu.remote();
  await waitFor(async () => (await report()).infeasible.some((u) => u.resources.GPU === 1), 20_000, 'an infeasible warning');
  const text = formatStatus(await fetchStatus(undefined, { address, token }));
  assert.match(text, /Infeasible[\s\S]*warning: task \{"CPU":1,"GPU":1\}/); // numGpus: 1 keeps the default numCpus: 1
  assert.equal(await workers(), 0);
  assert.ok((await report()).decisions.some((d) => d.action === 'infeasible'));
  ray.cancel(ref, { force: true });
  await waitFor(async () => (await report()).infeasible.length === 0, 20_000, 'the warning to clear');
  assert.equal(await workers(), 0);
});

test('requestResources pre-scales; a new request replaces the old one', { timeout: 120_000 }, async () => {
  await ray.requestResources({ numCpus: 2 });
  await waitFor(async () => (await aliveWorkers()) === 2, 60_000, '2 nodes for the request');
  assert.equal(await workers(), 2);
  await ray.requestResources({ bundles: [] });
  await waitFor(async () => (await workers()) === 0, 60_000, 'nodes removed once the request is cleared');
});

test('a node holding the only copy of a referenced object is kept until the reference goes', { timeout: 120_000 }, async () => {
  const size = 1 << 20; // above the inline limit: the value stays on the node that made it
  const ref = defs.bytes.remote(size);
  await ray.wait([ref], { fetchLocal: false, timeout: 60_000 });
  await waitFor(async () => (await report()).nodes.some((n) => n.busy?.some((b) => /referenced object/.test(b))), 30_000, 'the node to report the object');
  // Well past idleTimeoutS (3 s), the node is still there and busy with the object.
  await new Promise((r) => setTimeout(r, 8_000));
  const r = await report();
  assert.equal(r.nodes.length, 1);
  assert.ok(!r.decisions.some((d) => d.action === 'terminate' && d.nodeId === r.nodes[0]!.nodeId));
  const v = await ray.get(ref);
  assert.equal(v.length, size);
  assert.equal(v[size - 1], (size - 1) % 251);
  ray.free(ref);
  await waitFor(async () => (await workers()) === 0, 60_000, 'the node removed once the object is freed');
});
