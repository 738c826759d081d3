// A cluster whose nodes are separate hosts: each node (and the driver) runs in a Linux network
// namespace of its own, with its own address on a bridge, so nothing can reach another node
// through loopback. Needs root and iproute2 (skipped, saying why, elsewhere).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { createNetns, netnsAvailable, type NetnsNetwork } from './netns.js';
import { waitFor } from './harness.js';

const CLI = 'packages/core/bin/ray-ts.mjs';
const available = netnsAvailable();
const token = 'netns-token-' + Math.random().toString(36).slice(2);
const dirs: string[] = [];
let net: NetnsNetwork;
let appDir: string;

/** A node started in a namespace. */
interface NsNode {
  nodeId: string;
  pid: number;
  address: string;
  tempDir: string;
}
const nodes: NsNode[] = [];

/** Environment of a process on host `i`: all namespaces share /dev/shm and the boot id, so each gets a host id of its own. */
const hostEnv = (i: number): NodeJS.ProcessEnv => ({ ...process.env, RAY_TS_HOST_ID: `netns-host-${i}`, RAY_TS_CLUSTER_TOKEN: token });

async function startNode(i: number, args: string[]): Promise<NsNode> {
  const h = net.hosts[i]!;
  const tempDir = mkdtempSync(join(tmpdir(), `ray-ts-netns-${i}-`));
  dirs.push(tempDir);
  const argv = [process.execPath, CLI, 'start', ...args, '--host', h.ip, '--num-cpus', '1', '--object-store-memory', String(256 << 20), '--temp-dir', tempDir, '--token', token];
  await net.execInNs(h.ns, argv, hostEnv(i), 60_000);
  // `ray-ts start` detaches the node; the node's own pid is in its head file.
  const info = JSON.parse(readFileSync(join(tempDir, 'head.json'), 'utf8')) as { nodeId: string; pid: number; address: string };
  return { nodeId: info.nodeId, pid: info.pid, address: info.address, tempDir };
}

/** `ray-ts status` of the cluster, run on the head's host. */
async function statusText(json = false): Promise<string> {
  const argv = [process.execPath, CLI, 'status', '--address', nodes[0]!.address, '--token', token, ...(json ? ['--json'] : [])];
  return (await net.execInNs(net.hosts[0]!.ns, argv, hostEnv(0), 30_000)).stdout;
}
async function status(): Promise<{ nodes: { nodeId: string; address: string; state: string; isHead: boolean }[] }> {
  return JSON.parse(await statusText(true));
}

before(async () => {
  if (!available.ok) return;
  net = createNetns(4); // hosts 0-2 run nodes, host 3 the driver
  // Runs after the nodes are stopped, also when the test process is interrupted.
  net.onCleanup(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    // A SIGKILLed node cannot remove its shared memory segments (named after the node): do it for it.
    for (const f of existsSync('/dev/shm') ? readdirSync('/dev/shm') : []) {
      if (nodes.some((n) => f.startsWith(`rts-${n.nodeId}-`))) rmSync(join('/dev/shm', f), { force: true });
    }
  });
  const headIp = net.hosts[0]!.ip;
  nodes.push(await startNode(0, ['--head', '--port', '6380']));
  nodes.push(...(await Promise.all([1, 2].map((i) => startNode(i, ['--address', `${headIp}:6380`])))));
  // The driver runs from a copy outside the repository, which it ships as its working dir.
  appDir = mkdtempSync(join(tmpdir(), 'ray-ts-netns-app-'));
  dirs.push(appDir);
  cpSync(resolve('test/fixtures/netns-app'), appDir, { recursive: true });
  symlinkSync(resolve('node_modules'), join(appDir, 'node_modules'));
}, { timeout: 120_000 });

after(() => net?.cleanup()); // SIGTERM first: live nodes remove their own shared memory and sessions

test('nodes in separate network namespaces join the head at their own addresses', { timeout: 120_000 }, async (t) => {
  if (!available.ok) return t.skip(available.reason);
  const x = net.hosts[0]!.ip.split('.')[1];
  assert.equal(nodes[0]!.address, `10.${x}.0.1:6380`);
  await waitFor(async () => (await status()).nodes.filter((n) => n.state === 'ALIVE').length === 3, 30_000, '3 alive nodes');
  const s = await status();
  const byId = new Map(s.nodes.map((n) => [n.nodeId, n]));
  for (const [i, n] of nodes.entries()) {
    const seen = byId.get(n.nodeId);
    assert.ok(seen, `status lacks node ${n.nodeId}`);
    assert.equal(seen.state, 'ALIVE');
    assert.equal(seen.isHead, i === 0);
    assert.equal(seen.address.split(':')[0], `10.${x}.0.${i + 1}`);
    assert.equal(seen.address, n.address);
  }
  assert.deepEqual(new Set(s.nodes.map((n) => n.address.split(':')[0])), new Set([1, 2, 3].map((i) => `10.${x}.0.${i}`)));
  // The human-readable form lists each node at its host's address.
  const text = await statusText();
  assert.match(text, /Cluster: 3 alive node\(s\), 0 dead/);
  for (const n of nodes) assert.match(text, new RegExp(`ALIVE ${n.nodeId}( \\(head\\))? ${n.address.replaceAll('.', '\\.')} `));
});

test('a driver on a fourth host runs tasks, objects and actors across the hosts, and rides out SIGKILL of a node mid-workload', { timeout: 120_000 }, async (t) => {
  if (!available.ok) return t.skip(available.reason);
  const [head, n1, n2] = nodes as [NsNode, NsNode, NsNode];
  const driver = net.runInNs(net.hosts[3]!.ns, [process.execPath, '--conditions=development', '--import', 'tsx', join(appDir, 'driver.ts')], {
    ...hostEnv(3),
    TEST_ADDRESS: head.address,
    TEST_NODES: JSON.stringify(nodes.map((n) => n.nodeId)),
  });
  let stderr = '';
  driver.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => driver.on('close', (code) => r(code)));
  let killedAt = 0;
  let last = '';
  for await (const line of createInterface({ input: driver.stdout! })) {
    if (line === `KILL ${n1.nodeId}`) {
      process.kill(n1.pid, 'SIGKILL');
      killedAt = Date.now();
    } else if (line.trim()) last = line;
  }
  const code = await exited;
  assert.equal(code, 0, `driver failed:\n${stderr}`);
  assert.ok(killedAt > 0, 'the driver never asked to kill the node');
  const out = JSON.parse(last);

  // Pinned tasks ran on their node, from that node's own unpacked copy of the working dir.
  for (const [i, w] of (out.affinity as { node: string; url: string }[]).entries()) {
    assert.equal(w.node, nodes[i]!.nodeId);
    assert.ok(w.url.startsWith(pathToFileURL(nodes[i]!.tempDir).href), `node ${i} ran code from ${w.url}`);
    assert.match(w.url, /runtime_resources\/working_dir\/[0-9a-f]+\/tasks\.ts$/);
  }
  assert.equal(new Set(out.spread).size, 3, `SPREAD used ${[...new Set(out.spread)].join(', ')}`);

  // The object made on n1 was read byte-exact on n2, on n1 and by the driver.
  const { remote, local, driver: d } = out.object;
  assert.equal(remote.node, n2.nodeId);
  assert.equal(local.node, n1.nodeId);
  assert.equal(remote.n, 24 * 1024 * 1024 + 7);
  assert.equal(d.n, remote.n);
  assert.equal(local.n, remote.n);
  assert.equal(remote.h, local.h);
  assert.equal(d.h, local.h);
  // The driver's put reached every node intact.
  assert.deepEqual(out.put.sums.map((s: { node: string }) => s.node), nodes.map((n) => n.nodeId));
  for (const s of out.put.sums) assert.equal(s.h, out.put.h);

  // The actor on n2 kept its state and order, was found by name, and outlived n1.
  assert.deepEqual(out.actor.counts, Array.from({ length: 20 }, (_, i) => i + 1));
  assert.equal(out.actor.node, n2.nodeId);
  assert.equal(out.actor.named, 30);
  assert.deepEqual(out.actor.after, { n: 31, node: n2.nodeId });

  // Every long task returned, although n1 died under some of them: those ran again elsewhere.
  const results = out.kill.results as { i: number; node: string }[];
  assert.deepEqual(results.map((r) => r.i), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const starts = out.kill.starts as { i: number; node: string }[];
  const onVictim = starts.filter((s) => s.node === n1.nodeId).map((s) => s.i);
  assert.ok(onVictim.length > 0, 'no task started on the killed node');
  assert.ok(starts.length > results.length, `no task ran again after the kill (starts: ${JSON.stringify(starts)})`);
  // A result from n1 is one that finished there before the kill (and ran only once).
  for (const r of results) if (r.node === n1.nodeId) assert.equal(starts.filter((s) => s.i === r.i).length, 1);

  // The head saw n1 die; the others live on.
  await waitFor(async () => (await status()).nodes.find((n) => n.nodeId === n1.nodeId)?.state !== 'ALIVE', 30_000, 'the head to mark the killed node dead');
  const alive = (await status()).nodes.filter((n) => n.state === 'ALIVE').map((n) => n.nodeId);
  assert.deepEqual(new Set(alive), new Set([head.nodeId, n2.nodeId]));
});
