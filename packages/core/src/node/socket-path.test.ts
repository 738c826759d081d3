import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SOCKET_PATH_BYTES, nodeSocketPath } from './socket-path.js';

test('a short session dir keeps its socket; a long one falls back to a short path that listens', async () => {
  assert.equal(nodeSocketPath('/tmp/s', 'abc'), '/tmp/s/node.sock');
  const root = mkdtempSync(join(tmpdir(), 'sock-'));
  const deep = join(root, 'clusters', 'as-test', 'nodes', 'as-test-cpu1-mwx1s9541', 'session_20261126042347_31299_13n1');
  mkdirSync(deep, { recursive: true });
  const p = nodeSocketPath(deep, 'e51550ed3992n1');
  try {
    assert.ok(Buffer.byteLength(join(deep, 'node.sock')) > MAX_SOCKET_PATH_BYTES);
    assert.ok(p.endsWith('rts-e51550ed3992n1.sock') && Buffer.byteLength(p) <= MAX_SOCKET_PATH_BYTES, p);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(p, resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.equal(existsSync(p), false, 'closing the server removes the socket file');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
