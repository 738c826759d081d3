import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLaunches } from './planner.js';
import type { NodeTypeConfig, PlannerInput } from './autoscaler-types.js';

const types: Record<string, NodeTypeConfig> = {
  cpu2: { resources: { CPU: 2 }, minWorkers: 0, maxWorkers: 10 },
  cpu8: { resources: { CPU: 8 }, minWorkers: 0, maxWorkers: 2 },
  gpu: { resources: { CPU: 4, GPU: 1 }, minWorkers: 0, maxWorkers: 2 },
};
const head = { id: 'head', total: { CPU: 0 }, available: { CPU: 0 } };
const plan = (p: Partial<PlannerInput>) => planLaunches({ nodeTypes: types, nodes: [head], demand: { shapes: [], placementGroups: [] }, ...p });

test('CPU demand packs into the fewest nodes; GPU demand goes to GPU nodes only', () => {
  const p = plan({ demand: { shapes: [{ resources: { CPU: 1 }, count: 16 }, { resources: { CPU: 1, GPU: 1 }, count: 2 }], placementGroups: [] } });
  // The GPU nodes' spare CPUs take 6 one-CPU tasks; the other 10 fit an 8-CPU and a 2-CPU node.
  assert.deepEqual(p.launch, { cpu8: 1, cpu2: 1, gpu: 2 });
  assert.deepEqual(p.infeasible, []);
  assert.deepEqual(p.waiting, []);
});

test('CPU-only demand never launches a GPU type while a CPU type has room', () => {
  const p = planLaunches({ nodeTypes: { g: types.gpu!, c: { resources: { CPU: 4 }, minWorkers: 0, maxWorkers: 5 } }, nodes: [], demand: { shapes: [{ resources: { CPU: 4 }, count: 1 }], placementGroups: [] } });
  assert.deepEqual(p.launch, { c: 1 });
});

test('fractional resources add up exactly', () => {
  const p = plan({ demand: { shapes: [{ resources: { CPU: 0.1 }, count: 20 }], placementGroups: [] } });
  assert.deepEqual(p.launch, { cpu2: 1 }); // 20 x 0.1 = 2.0, no float drift
  const q = plan({ demand: { shapes: [{ resources: { CPU: 0.5 }, count: 5 }], placementGroups: [] } });
  assert.deepEqual(q.launch, { cpu8: 1 }); // one node beats two 2-CPU nodes
});

test('existing free capacity is used before launching', () => {
  const p = plan({ nodes: [head, { id: 'a', nodeType: 'cpu2', total: { CPU: 2 }, available: { CPU: 1.5 } }], demand: { shapes: [{ resources: { CPU: 0.5 }, count: 4 }], placementGroups: [] } });
  assert.deepEqual(p.launch, { cpu2: 1 });
});

test('minWorkers are launched without demand and count as capacity', () => {
  const p = planLaunches({ nodeTypes: { c: { resources: { CPU: 2 }, minWorkers: 2, maxWorkers: 4 } }, nodes: [], demand: { shapes: [{ resources: { CPU: 1 }, count: 4 }], placementGroups: [] } });
  assert.deepEqual(p.launch, { c: 2 });
  assert.equal(p.reasons[0]!.reason, 'minWorkers 2');
});

test('infeasible shapes are reported, never launched for', () => {
  const p = plan({ demand: { shapes: [{ resources: { TPU: 1 }, count: 3 }, { resources: { CPU: 9 }, count: 1 }], placementGroups: [] } });
  assert.deepEqual(p.launch, {});
  assert.deepEqual(new Set(p.infeasible.map((u) => `${JSON.stringify(u.resources)}x${u.count}`)), new Set(['{"CPU":9}x1', '{"TPU":1}x3']));
});

test('per-type and global maxWorkers cap launches; the rest waits with a reason', () => {
  const one: Record<string, NodeTypeConfig> = { c: { resources: { CPU: 1 }, minWorkers: 0, maxWorkers: 3 } };
  const p = planLaunches({ nodeTypes: one, nodes: [head], demand: { shapes: [{ resources: { CPU: 1 }, count: 40 }], placementGroups: [] } });
  assert.deepEqual(p.launch, { c: 3 });
  assert.equal(p.waiting[0]!.count, 37);
  assert.match(p.waiting[0]!.reason, /maxWorkers reached for c/);
  const g = planLaunches({ nodeTypes: one, nodes: [head], demand: { shapes: [{ resources: { CPU: 1 }, count: 40 }], placementGroups: [] }, maxWorkers: 2 });
  assert.deepEqual(g.launch, { c: 2 });
  assert.match(g.waiting[0]!.reason, /cluster's maxWorkers \(2\)/);
});

test('upscalingSpeed caps pending launches (at least 5), not minWorkers', () => {
  const many: Record<string, NodeTypeConfig> = { c: { resources: { CPU: 1 }, minWorkers: 0, maxWorkers: 100 } };
  const running = Array.from({ length: 8 }, (_, i) => ({ id: `w${i}`, nodeType: 'c', total: { CPU: 1 }, available: { CPU: 0 } }));
  const p = planLaunches({ nodeTypes: many, nodes: running, demand: { shapes: [{ resources: { CPU: 1 }, count: 50 }], placementGroups: [] }, upscalingSpeed: 0.5 });
  assert.deepEqual(p.launch, { c: 5 }); // max(5, 0.5 x 8)
  const q = planLaunches({ nodeTypes: many, nodes: running, demand: { shapes: [{ resources: { CPU: 1 }, count: 50 }], placementGroups: [] }, upscalingSpeed: 2 });
  assert.deepEqual(q.launch, { c: 16 });
  const r = planLaunches({ nodeTypes: many, nodes: running, demand: { shapes: [{ resources: { CPU: 1 }, count: 50 }], placementGroups: [] }, upscalingSpeed: 2, launching: 6 });
  assert.deepEqual(r.launch, {}); // 6 of the 8 are still launching: max(5, 2 x 2 running) - 6 pending leaves none
});

test('STRICT_SPREAD needs a node per bundle; STRICT_PACK one node for the sum', () => {
  const spread = plan({ demand: { shapes: [], placementGroups: [{ pgId: 'g1', bundles: [{ CPU: 1 }, { CPU: 1 }, { CPU: 1 }], strategy: 'STRICT_SPREAD' }] } });
  assert.deepEqual(spread.launch, { cpu2: 3 });
  const pack = plan({ demand: { shapes: [], placementGroups: [{ pgId: 'g2', bundles: [{ CPU: 3 }, { CPU: 3 }], strategy: 'STRICT_PACK' }] } });
  assert.deepEqual(pack.launch, { cpu8: 1 });
  const tooBig = plan({ demand: { shapes: [], placementGroups: [{ pgId: 'g3', bundles: [{ CPU: 6 }, { CPU: 6 }], strategy: 'STRICT_PACK' }] } });
  assert.deepEqual(tooBig.launch, {});
  assert.equal(tooBig.infeasible.length, 1);
});

test('PACK and SPREAD bundles pack like tasks', () => {
  const p = plan({ demand: { shapes: [], placementGroups: [{ pgId: 'g', bundles: [{ CPU: 1 }, { CPU: 1 }], strategy: 'SPREAD' }, { pgId: 'h', bundles: [{ CPU: 1 }, { CPU: 1 }], strategy: 'PACK' }] } });
  assert.deepEqual(p.launch, { cpu8: 1 });
});

test('STRICT_SPREAD wider than maxWorkers allow is infeasible, not a partial launch', () => {
  const one: Record<string, NodeTypeConfig> = { c: { resources: { CPU: 1 }, minWorkers: 0, maxWorkers: 3 } };
  const p = planLaunches({ nodeTypes: one, nodes: [head], demand: { shapes: [], placementGroups: [{ pgId: 'g', bundles: Array(4).fill({ CPU: 1 }), strategy: 'STRICT_SPREAD' }] } });
  assert.deepEqual(p.launch, {});
  assert.equal(p.infeasible[0]!.count, 4);
});

test('requestResources sizes the cluster by totals, on top of demand', () => {
  const busy = { id: 'a', nodeType: 'cpu2', total: { CPU: 2 }, available: { CPU: 0 } };
  const p = plan({ nodes: [head, busy], request: [{ CPU: 2 }, { CPU: 2 }] });
  assert.deepEqual(p.launch, { cpu2: 1 }); // the busy node's total counts toward the request
  const q = plan({ nodes: [head, busy], request: [{ CPU: 2 }, { CPU: 2 }], demand: { shapes: [{ resources: { CPU: 2 }, count: 1 }], placementGroups: [] } });
  assert.deepEqual(q.launch, { cpu2: 1 }); // the node launched for the request also takes the demand
});

test('bundle-group resources in task shapes are left to their placement group', () => {
  const p = plan({ demand: { shapes: [{ resources: { CPU_group_0_g1: 1, bundle_group_0_g1: 0.001 }, count: 5 }], placementGroups: [] } });
  assert.deepEqual(p.launch, {});
  assert.deepEqual(p.infeasible, []);
});
