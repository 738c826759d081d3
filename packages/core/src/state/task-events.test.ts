import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskEventBuffer, type LiveTask } from './task-events.js';
import type { TaskSpec } from '../transport/protocol.js';

function task(id: string, name = 'f'): LiveTask {
  const spec = { taskId: id, name, fn: { module: 'm', key: `0:${name}`, name }, resources: { CPU: 1 } } as unknown as TaskSpec;
  return { spec, state: 'waitingDeps', attempt: 0 };
}

test('live state follows the record; done and finish fill in worker, times and the end state', () => {
  let now = 1000;
  const b = new TaskEventBuffer('n1', 10, () => now);
  const t = task('t1');
  b.submitted(t);
  assert.equal(b.get('t1')!.state, 'PENDING_ARGS_AVAIL');
  t.state = 'queued';
  assert.equal(b.get('t1')!.state, 'PENDING_NODE_ASSIGNMENT');
  t.state = 'running';
  t.worker = { id: 'w1', pid: 42 };
  assert.deepEqual([b.get('t1')!.state, b.get('t1')!.workerPid], ['RUNNING', 42]);
  now = 2000;
  b.done('t1', { workerId: 'w1', pid: 42, startMs: 1500, us: 400_000 });
  b.finish('t1', false);
  const r = b.get('t1')!;
  assert.equal(r.state, 'FINISHED');
  assert.deepEqual([r.startTimeMs, r.endTimeMs], [1500, 1900]);
  assert.deepEqual(r.events.map((e) => e.state), ['PENDING_ARGS_AVAIL', 'RUNNING', 'FINISHED']);
});

test('a failed attempt then a successful retry is FINISHED; errors make FAILED with their type', () => {
  const b = new TaskEventBuffer('n1', 10);
  b.submitted(task('a'));
  b.done('a', { workerId: 'w', pid: 1, errorName: 'TypeError' });
  b.done('a', { workerId: 'w', pid: 1 });
  b.finish('a', false);
  assert.equal(b.get('a')!.state, 'FINISHED');
  b.submitted(task('b'));
  b.done('b', { workerId: 'w', pid: 1, errorName: 'RangeError' });
  b.finish('b', true);
  assert.deepEqual([b.get('b')!.state, b.get('b')!.errorType], ['FAILED', 'RangeError']);
  b.submitted(task('c'));
  b.finish('c', true, { name: 'TaskCancelledError', message: 'cancelled' });
  assert.deepEqual([b.get('c')!.state, b.get('c')!.errorType], ['FAILED', 'TaskCancelledError']);
});

test('finished tasks are bounded: the oldest are dropped', () => {
  const b = new TaskEventBuffer('n1', 3);
  for (let i = 0; i < 5; i++) {
    b.submitted(task(`t${i}`));
    b.finish(`t${i}`, false);
  }
  b.submitted(task('live'));
  assert.deepEqual(b.list().map((r) => r.taskId), ['live', 't2', 't3', 't4']);
  assert.equal(b.dropped, 2);
  b.forwarded('live');
  assert.equal(b.get('live'), undefined);
});
