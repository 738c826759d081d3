/**
 * The dashboard mirrors the JSON of core's `/api/v0` state rows in its own types (it is a
 * browser bundle that core serves, so it cannot import core). This file keeps the mirror
 * honest: `pnpm test` type-checks it first, and every core type must be assignable to the
 * dashboard's (the page may read fewer fields, never other ones); the test checks the same
 * at run time on a live node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ray from '@ray-ts/core';
import type * as dash from '../../packages/dashboard/src/api-types.js';
import { TASK_STATES } from '../../packages/dashboard/src/api-types.js';
import * as defs from '../fixtures/dashboard-defs.js';

type S = typeof ray.state;
/** Compiles only when `A` can be used where the dashboard expects `B`. */
type Fits<A extends B, B> = [A, B];

export type Contract = [
  Fits<ray.state.TaskStatus, dash.TaskState>,
  Fits<dash.TaskState, ray.state.TaskStatus>,
  Fits<ray.state.TaskRow, dash.TaskRow>,
  Fits<ray.state.ActorRow, dash.ActorRow>,
  Fits<ray.state.ObjectRow, dash.ObjectRow>,
  Fits<ray.state.NodeRow, dash.NodeRow>,
  Fits<ray.state.JobRow, dash.JobRow>,
  Fits<ray.state.PlacementGroupRow, dash.PlacementGroupRow>,
  Fits<ray.state.LogFileInfo, dash.LogFile>,
  Fits<ray.state.ListResult<ray.state.TaskRow>, dash.ListResult<dash.TaskRow>>,
  Fits<ray.state.TaskSummary, dash.TaskSummary>,
  Fits<ray.state.ActorSummary, dash.ActorSummary>,
  Fits<ray.state.MemorySummary, dash.MemorySummary>,
  Fits<ray.state.LogChunk, dash.LogChunk>,
  Fits<Awaited<ReturnType<S['summarizeTasks']>>, dash.TaskSummary>,
];

test('the dashboard reads the task states and row fields a live node serves', { timeout: 60_000 }, async () => {
  const info = await ray.init({ numCpus: 1, metricsExportPort: 0 });
  try {
    await ray.get(defs.dashboardSleep.remote(1));
    const res = await fetch(new URL('/api/v0/tasks', info.dashboardUrl!));
    const body = (await res.json()) as dash.ListResult<dash.TaskRow>;
    assert.ok(body.rows.length >= 1, JSON.stringify(body));
    for (const row of body.rows) {
      assert.ok(TASK_STATES.includes(row.state), `state ${row.state} is one the dashboard knows`);
      assert.equal(typeof row.taskId, 'string');
      assert.equal(typeof row.name, 'string');
    }
  } finally {
    ray.shutdown();
  }
});
