import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogRelay, remotePrefix, type LogRelayHost } from './log-relay.js';
import type { LogLine } from '../state/worker-logs.js';

type Msg = Record<string, any> & { t: string };

/** Nodes wired to each other in memory: messages are delivered as the routers would. */
function fakeCluster(ids: string[]) {
  const relays = new Map<string, LogRelay>();
  const locals = new Map<string, Set<(l: LogLine) => void>>();
  const sent: Array<{ from: string; to: string; msg: Msg }> = [];
  const dead = new Set<string>();
  for (const id of ids) {
    locals.set(id, new Set());
    const host: LogRelayHost = {
      nodeId: id,
      subscribeLocal: (fn) => {
        locals.get(id)!.add(fn);
        return () => locals.get(id)!.delete(fn);
      },
      peers: () => ids.filter((x) => x !== id && !dead.has(x)),
      isDead: (x) => dead.has(x),
      sendTo: (to, msg) => {
        if (dead.has(to)) return false;
        sent.push({ from: id, to, msg });
        const r = relays.get(to)!;
        if (msg.t === 'logSub') r.onSubscribe(id, msg.jobId);
        else if (msg.t === 'logUnsub') r.onUnsubscribe(id, msg.jobId);
        else if (msg.t === 'logBatch') r.onBatch(msg.lines);
        return true;
      },
      ip: () => '10.0.0.1',
    };
    relays.set(id, new LogRelay(host));
  }
  const print = (node: string, line: string, jobId?: string) => {
    const l: LogLine = { nodeId: node, pid: 7, prefix: '(f pid=7)', line, stream: 'stdout', ...(jobId ? { jobId } : {}) };
    for (const fn of locals.get(node)!) fn(l);
  };
  return { relays, sent, dead, print, listening: (id: string) => locals.get(id)!.size };
}

const tick = (ms = 150) => new Promise((r) => setTimeout(r, ms));

test('remotePrefix adds ip and a short node id', () => {
  assert.equal(remotePrefix('(f pid=1)', '10.0.0.2', '0123456789abn1'), '(f pid=1, ip=10.0.0.2, node=01234567)');
});

test("a driver gets its job's lines from other nodes, batched, and no other job's", async () => {
  const c = fakeCluster(['a', 'b']);
  const got: LogLine[] = [];
  const detach = c.relays.get('a')!.attachDriver('j1', (lines) => got.push(...lines));
  assert.equal(c.listening('b'), 1, 'b follows its workers once a driver elsewhere wants them');
  c.print('b', 'mine 1', 'j1');
  c.print('b', 'other job', 'j2');
  c.print('b', 'no job');
  c.print('b', 'mine 2', 'j1');
  c.print('a', 'local', 'j1');
  assert.deepEqual(got.map((l) => l.line), ['local'], 'remote lines wait for the batch');
  await tick();
  assert.deepEqual(got.map((l) => l.line), ['local', 'mine 1', 'no job', 'mine 2']);
  assert.equal(got[1]!.prefix, '(f pid=7, ip=10.0.0.1, node=b)');
  assert.equal(got[0]!.prefix, '(f pid=7)');
  assert.equal(c.sent.filter((s) => s.msg.t === 'logBatch').length, 1);
  detach();
  assert.ok(c.sent.some((s) => s.msg.t === 'logUnsub'));
  assert.equal(c.listening('b'), 0);
  c.relays.get('a')!.close();
  c.relays.get('b')!.close();
});

test('buffering for another node is bounded; the driver is told how many lines were dropped', async () => {
  const c = fakeCluster(['a', 'b']);
  const got: LogLine[] = [];
  c.relays.get('a')!.attachDriver('j1', (lines) => got.push(...lines));
  for (let i = 0; i < 10_100; i++) c.print('b', `line ${i}`, 'j1');
  await tick();
  assert.equal(got.length, 10_001);
  assert.match(got.at(-1)!.line, /^100 lines of worker output were dropped/);
  assert.ok(c.sent.filter((s) => s.msg.t === 'logBatch').length >= 10, 'sent in batches of at most 1000 lines');
  c.relays.get('a')!.close();
  c.relays.get('b')!.close();
});

test('a node that joins later is told, and a dead one is forgotten', async () => {
  const c = fakeCluster(['a', 'b', 'c']);
  c.dead.add('c');
  c.relays.get('a')!.attachDriver('j1', () => {});
  assert.ok(!c.sent.some((s) => s.to === 'c'));
  c.dead.delete('c');
  await tick();
  assert.ok(c.sent.some((s) => s.to === 'c' && s.msg.t === 'logSub'));
  c.dead.add('a');
  c.print('c', 'x', 'j1');
  await tick();
  assert.equal(c.listening('c'), 0, 'c stops following its workers once the only subscriber is dead');
  for (const r of c.relays.values()) r.close();
});
