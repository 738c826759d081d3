import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Autoscaler, type AutoscalerHost } from './autoscaler.js';
import { resolveClusterConfig } from './cluster-config.js';
import { PROVIDER_ID_LABEL, type LaunchFailure, type LaunchSpec, type NodeProvider, type ProviderNode } from './node-provider.js';
import type { NodeView } from '../gcs/gcs-types.js';

/** A provider whose nodes "join" when the test says so. */
class FakeProvider implements NodeProvider {
  readonly name = 'fake';
  readonly nodes = new Map<string, ProviderNode>();
  terminated: string[] = [];
  failures: LaunchFailure[] = [];
  private seq = 0;
  constructor(private readonly clock: () => number) {}
  async createNode(spec: LaunchSpec, count: number): Promise<string[]> {
    return Array.from({ length: count }, () => {
      const id = `p${this.seq++}`;
      this.nodes.set(id, { id, nodeType: spec.nodeType, tags: {}, launchedAt: this.clock() });
      return id;
    });
  }
  async terminateNode(id: string): Promise<void> {
    this.nodes.delete(id);
    this.terminated.push(id);
  }
  async nonTerminatedNodes(): Promise<ProviderNode[]> {
    return [...this.nodes.values()];
  }
  /** Makes launched node `id` fail to start, as the local provider reports it. */
  fail(id: string): void {
    const n = this.nodes.get(id)!;
    this.nodes.delete(id);
    this.failures.push({ id, nodeType: n.nodeType, reason: 'the node process exited at start' });
  }
  takeLaunchFailures(): LaunchFailure[] {
    const out = this.failures;
    this.failures = [];
    return out;
  }
  close(): void {}
}

function view(id: string, providerId: string | undefined, cpu: number, free: number, extra: Partial<NodeView> = {}): NodeView {
  return {
    nodeId: id, address: '', hostId: '', isHead: !providerId, total: { CPU: cpu }, available: { CPU: free }, labels: providerId ? { [PROVIDER_ID_LABEL]: providerId } : {},
    state: 'ALIVE', queued: 0, demand: [], usage: { running: 0, actors: 0, objects: 0 }, startedAt: 0, lastSeen: 0, ...extra,
  };
}

function setup(extra: Record<string, unknown> = {}) {
  let now = 1_000_000;
  const clock = () => now;
  const provider = new FakeProvider(clock);
  const nodes: NodeView[] = [view('head', undefined, 0, 0)];
  const drained: string[] = [];
  const host: AutoscalerHost = { nodes: () => nodes, placementGroups: async () => [], drainNode: (id) => void drained.push(id) };
  const config = resolveClusterConfig({
    clusterName: 't', provider: { type: 'local' }, availableNodeTypes: { c: { resources: { CPU: 1 }, minWorkers: 1, maxWorkers: 3 } }, idleTimeoutS: 10, launchTimeoutS: 60, ...extra,
  });
  const scaler = new Autoscaler(config, provider, host, clock);
  const join = () => {
    for (const p of provider.nodes.values()) if (!nodes.some((n) => n.labels[PROVIDER_ID_LABEL] === p.id)) nodes.push(view(`n-${p.id}`, p.id, 1, 1));
  };
  return { scaler, provider, nodes, drained, join, tick: (s: number) => (now += s * 1000) };
}

test('launches for demand once, removes idle nodes after idleTimeoutS down to minWorkers', async () => {
  const { scaler, provider, nodes, drained, join, tick } = setup();
  nodes[0]!.demand = [{ resources: { CPU: 1 }, count: 5 }];
  await scaler.update();
  assert.equal(provider.nodes.size, 3); // minWorkers 1 + demand, capped at maxWorkers 3
  await scaler.update();
  assert.equal(provider.nodes.size, 3); // launching nodes count as capacity: no second launch
  join();
  for (const n of nodes.slice(1)) n.usage = { running: 1, actors: 0, objects: 0 };
  nodes[0]!.demand = [];
  await scaler.update();
  tick(30);
  await scaler.update();
  assert.equal(provider.terminated.length, 0); // busy nodes stay
  for (const n of nodes.slice(1)) n.usage = { running: 0, actors: 0, objects: 0 };
  await scaler.update(); // idle from now
  tick(5);
  await scaler.update();
  assert.equal(provider.terminated.length, 0);
  tick(6);
  await scaler.update();
  assert.equal(provider.nodes.size, 1, 'minWorkers 1 kept');
  assert.equal(drained.length, 2);
  const r = scaler.report();
  assert.deepEqual(r.decisions.filter((d) => d.action === 'terminate').map((d) => d.reason), Array(2).fill('idle for more than idleTimeoutS (10 s)'));
  assert.ok(r.decisions.some((d) => d.action === 'launch' && d.reason === 'minWorkers 1'));
});

test('a node holding referenced objects, actors or bundles is not idle', async () => {
  const { scaler, provider, nodes, join, tick } = setup();
  await scaler.update();
  join();
  nodes[1]!.usage = { running: 0, actors: 0, objects: 2 };
  scaler.setRequest([{ CPU: 1 }, { CPU: 1 }]); // a second node, held by the request
  await scaler.update();
  join();
  nodes[2]!.total = { CPU: 1, bundle_group_x: 1000 };
  tick(60);
  await scaler.update();
  assert.equal(provider.nodes.size, 2);
  const busy = scaler.report().nodes.map((n) => n.busy?.join(', '));
  assert.deepEqual(busy, ['2 referenced object(s)', 'placement-group bundles']);
});

test('a node that does not join within launchTimeoutS is terminated', async () => {
  const { scaler, provider, tick } = setup();
  await scaler.update();
  assert.equal(provider.nodes.size, 1);
  tick(61);
  await scaler.update();
  assert.equal(provider.terminated.length, 1);
  assert.match(scaler.report().decisions.find((d) => d.action === 'terminate')!.reason, /launchTimeoutS/);
});

test('infeasible demand is reported once and never launched for', async () => {
  const { scaler, provider, nodes } = setup({ availableNodeTypes: { c: { resources: { CPU: 1 }, maxWorkers: 3 } } });
  nodes[0]!.demand = [{ resources: { GPU: 1 }, count: 2 }];
  await scaler.update();
  await scaler.update();
  assert.equal(provider.nodes.size, 0);
  const r = scaler.report();
  assert.equal(r.infeasible[0]!.count, 2);
  assert.equal(r.decisions.filter((d) => d.action === 'infeasible').length, 1);
});

test('failed launches back off per node type, doubling, until a node of the type joins', async () => {
  const { scaler, provider, nodes, join, tick } = setup({ availableNodeTypes: { c: { resources: { CPU: 1 }, maxWorkers: 3 } } });
  nodes[0]!.demand = [{ resources: { CPU: 1 }, count: 1 }];
  await scaler.update();
  provider.fail('p0');
  await scaler.update(); // the failure is recorded; no relaunch for 5 s
  assert.equal(provider.nodes.size, 0);
  tick(4);
  await scaler.update();
  assert.equal(provider.nodes.size, 0, 'still backing off');
  tick(2);
  await scaler.update();
  assert.deepEqual([...provider.nodes.keys()], ['p1']);
  provider.fail('p1');
  await scaler.update();
  tick(9);
  await scaler.update();
  assert.equal(provider.nodes.size, 0, 'the second failure doubles the wait to 10 s');
  tick(2);
  await scaler.update();
  assert.deepEqual([...provider.nodes.keys()], ['p2']);
  join();
  await scaler.update(); // joined: the backoff is over
  const r = scaler.report();
  assert.deepEqual(r.decisions.filter((d) => d.action === 'launch-failed').map((d) => d.nodeId), ['p0', 'p1']);
  assert.equal(r.decisions.filter((d) => d.action === 'backoff').length, 2, 'one backoff note per wait');
  assert.equal(r.decisions.filter((d) => d.action === 'launch').length, 3);
  assert.equal(r.decisions.filter((d) => d.action === 'lost').length, 0, 'a failed launch is not a lost node');
});

test('a node that goes away without being removed is reported lost and replaced for pending work', async () => {
  const { scaler, provider, nodes, join } = setup({ availableNodeTypes: { c: { resources: { CPU: 1 }, maxWorkers: 3 } } });
  nodes[0]!.demand = [{ resources: { CPU: 1 }, count: 1 }];
  await scaler.update();
  join();
  nodes[1]!.usage = { running: 1, actors: 0, objects: 0 };
  await scaler.update();
  provider.nodes.delete('p0'); // crashed
  nodes.splice(1, 1);
  await scaler.update();
  const r = scaler.report();
  assert.deepEqual(r.decisions.filter((d) => d.action === 'lost').map((d) => d.nodeId), ['p0']);
  assert.deepEqual([...provider.nodes.keys()], ['p1'], 'the pending task gets a new node');
});
