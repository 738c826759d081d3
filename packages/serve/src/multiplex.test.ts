import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadedModelIds, multiplexed } from './multiplex.js';
import { runInCallContext } from './internal/request-context.js';

test('serve.multiplexed: options checked at the call site', () => {
  assert.throws(() => multiplexed(async (id: string) => id, { maxNumModelsPerReplica: 0 }), (e: Error) => e instanceof RangeError && /maxNumModelsPerReplica/.test(e.message));
  assert.throws(() => multiplexed(async (id: string) => id, { max: 1 } as never), /max is not an option/);
  assert.throws(() => multiplexed(42 as never), /load must be a function/);
});

test('serve.multiplexed: loads once (concurrent callers share a load), LRU eviction, failed loads retried, ids per instance', async () => {
  const loads: string[] = [];
  let fail = true;
  class M {
    get = multiplexed(async function (this: M, id: string) {
      loads.push(id);
      if (id === 'bad' && fail) throw new Error('load failed');
      return { id };
    }, { maxNumModelsPerReplica: 2 });
  }
  const m = new M();
  const [a1, a2] = await Promise.all([m.get('a'), m.get('a')]);
  assert.equal(a1, a2);
  await m.get('b');
  await m.get('a');
  await m.get('c'); // evicts b
  assert.deepEqual(loadedModelIds(m).sort(), ['a', 'c']);
  await assert.rejects(m.get('bad'), /load failed/);
  fail = false;
  assert.deepEqual(await m.get('bad'), { id: 'bad' });
  assert.deepEqual(loads, ['a', 'b', 'c', 'bad', 'bad']);
  assert.deepEqual(loadedModelIds(new M()), []);
  assert.deepEqual(await runInCallContext({ multiplexedModelId: 'c' }, () => m.get()), { id: 'c' });
  await assert.rejects(m.get(), /no model id/);
});
