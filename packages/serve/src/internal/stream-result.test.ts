import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeChunk, isStreamResult, pump, streamHead } from './stream-result.js';

test('isStreamResult: generators, async iterables and Responses stream; values, arrays, bytes do not', () => {
  assert.ok(isStreamResult((async function* () {})()));
  assert.ok(isStreamResult((function* () {})()));
  assert.ok(isStreamResult(new Response('x')));
  assert.ok(isStreamResult({ [Symbol.asyncIterator]: () => ({}) }));
  for (const v of [1, 'abc', [1, 2], new Uint8Array(2), { a: 1 }, null]) assert.equal(isStreamResult(v), false);
});

test('streamHead and encodeChunk: SSE when asked, JSON lines otherwise, a Response keeps its own head', () => {
  assert.equal(streamHead((function* () {})(), { accept: 'text/event-stream' }).headers['content-type'], 'text/event-stream');
  assert.match(streamHead((function* () {})(), {}).headers['content-type']!, /text\/plain/);
  const h = streamHead(new Response('x', { status: 201, headers: { 'x-a': '1', 'content-type': 'text/csv' } }));
  assert.deepEqual([h.status, h.headers['x-a'], h.headers['content-type']], [201, '1', 'text/csv']);
  assert.equal(encodeChunk({ a: 1 }, 'text/event-stream'), 'data: {"a":1}\n\n');
  assert.equal(encodeChunk({ a: 1 }, 'text/plain'), '{"a":1}\n');
  assert.equal(encodeChunk('raw', 'text/event-stream'), 'raw');
});

test('pump: yields every item; an abort or an early stop runs the source generator\'s finally', async () => {
  const out: unknown[] = [];
  for await (const x of pump((function* () { yield 1; yield 2; })(), undefined)) out.push(x);
  assert.deepEqual(out, [1, 2]);
  let closed = 0;
  const endless = async function* () {
    try {
      for (let i = 0; ; i++) {
        yield i;
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      closed++;
    }
  };
  for await (const x of pump(endless(), undefined)) if (x === 2) break;
  const ac = new AbortController();
  const seen: unknown[] = [];
  for await (const x of pump(endless(), ac.signal)) {
    seen.push(x);
    if (x === 1) ac.abort();
  }
  assert.deepEqual(seen, [0, 1]);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, 2);
  const body: unknown[] = [];
  for await (const x of pump(new Response('hello'), undefined)) body.push(new TextDecoder().decode(x as Uint8Array));
  assert.deepEqual(body, ['hello']);
});
