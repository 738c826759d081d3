import assert from 'node:assert/strict';
import { type Socket, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RaySystemError } from '../errors.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { RedisStore } from './redis-store.js';
import { type GcsStore, MemoryStore } from './store.js';

const T = { timeout: 20_000 };

/** A nested value of the kinds the head stores, with binary fields. */
function sample(i: number) {
  return {
    actorId: `a${i}`,
    state: 'ALIVE',
    restarts: i,
    spec: { fn: 'mod.ts#Counter', args: new Uint8Array([i, 1, 2, 255]), resources: { CPU: 1.5, GPU: 0 } },
    tags: ['x', null, { deep: [new Uint8Array(0), true] }],
    detached: i % 2 === 0,
  };
}

/** The behaviour every GcsStore must have; `open` gives a fresh, empty store. */
function gcsStoreContract(open: () => Promise<GcsStore>): void {
  const withStore = (fn: (s: GcsStore) => Promise<void>) => async () => {
    const s = await open();
    try {
      await fn(s);
    } finally {
      await s.close();
    }
  };

  it('get of a missing key is undefined; getAll of an empty table is empty', T, withStore(async (s) => {
    assert.equal(await s.get('actors', 'nope'), undefined);
    assert.deepEqual(await s.getAll('jobs'), new Map());
  }));

  it('put/get round-trips nested values with Uint8Array', T, withStore(async (s) => {
    await s.put('actors', 'a1', sample(1));
    await s.put('kv', 'bytes', new Uint8Array([9, 8, 7]));
    await s.put('meta', 'n', 42);
    assert.deepEqual(await s.get('actors', 'a1'), sample(1));
    const bytes = await s.get<Uint8Array>('kv', 'bytes');
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual(bytes, new Uint8Array([9, 8, 7]));
    assert.equal(await s.get('meta', 'n'), 42);
  }));

  it('put overwrites; delete removes and ignores absent keys', T, withStore(async (s) => {
    await s.put('names', 'ns/c1', { actorId: 'a1' });
    await s.put('names', 'ns/c1', { actorId: 'a2' });
    assert.deepEqual(await s.get('names', 'ns/c1'), { actorId: 'a2' });
    await s.delete('names', 'ns/c1');
    await s.delete('names', 'never-there');
    assert.equal(await s.get('names', 'ns/c1'), undefined);
  }));

  it('getAll returns every key of one table only, odd keys included', T, withStore(async (s) => {
    const keys = ['p1', 'p:2', 'ключ', '__proto__', ''];
    for (const [i, k] of keys.entries()) await s.put('pgs', k, sample(i));
    await s.put('jobs', 'j1', { id: 'j1' });
    const all = await s.getAll<ReturnType<typeof sample>>('pgs');
    assert.deepEqual([...all.keys()].sort(), [...keys].sort());
    for (const [i, k] of keys.entries()) assert.deepEqual(all.get(k), sample(i));
    assert.deepEqual(await s.getAll('jobs'), new Map([['j1', { id: 'j1' }]]));
  }));
}

describe('MemoryStore', () => {
  gcsStoreContract(async () => new MemoryStore());
});

describe('RedisStore', () => {
  let server: RedisServer;
  let n = 0;
  before(async () => {
    server = await startRedisServer();
  }, T);
  after(async () => {
    await server?.stop();
  }, T);

  // A fresh cluster name per test gives each an empty store on the shared server.
  gcsStoreContract(() => RedisStore.connect(server.address, { clusterName: `contract-${n++}` }));

  it('clusters sharing a Redis do not see each other', T, async () => {
    const a = await RedisStore.connect(server.address, { clusterName: 'iso-a' });
    const b = await RedisStore.connect(`redis://${server.address}`, { clusterName: 'iso-b' });
    try {
      await a.put('actors', 'x', { owner: 'a' });
      await b.put('actors', 'y', { owner: 'b' });
      assert.equal(await b.get('actors', 'x'), undefined);
      assert.deepEqual(await a.getAll('actors'), new Map([['x', { owner: 'a' }]]));
      assert.deepEqual(await b.getAll('actors'), new Map([['y', { owner: 'b' }]]));
      assert.equal(a.keyPrefix, 'ray-ts:iso-a:');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a new connection finds the data (head restart)', T, async () => {
    const first = await RedisStore.connect(server.address, { clusterName: 'restart' });
    try {
      await first.put('actors', 'a1', sample(1));
      await first.put('kv', 'k', new Uint8Array([1]));
    } finally {
      await first.close();
    }
    const second = await RedisStore.connect(server.address, { clusterName: 'restart' });
    try {
      assert.deepEqual(await second.get('actors', 'a1'), sample(1));
      assert.deepEqual(await second.getAll('kv'), new Map([['k', new Uint8Array([1])]]));
    } finally {
      await second.close();
    }
  });

  it('a connected store rides out a Redis restart, logging the outage once', T, async () => {
    const store = await RedisStore.connect(server.address, { clusterName: 'hiccup' });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (msg: string) => void warnings.push(msg);
    try {
      await store.put('jobs', 'j1', { id: 'j1' });
      await server.restart();
      await store.put('jobs', 'j2', { id: 'j2' });
      assert.deepEqual([...(await store.getAll('jobs')).keys()].sort(), ['j1', 'j2']);
      assert.ok(warnings.filter((w) => w.includes('lost the connection')).length <= 1, warnings.join('\n'));
    } finally {
      console.warn = warn;
      await store.close();
    }
  });

  it('close is idempotent and later calls reject with RaySystemError', T, async () => {
    const store = await RedisStore.connect(server.address);
    assert.equal(store.keyPrefix, 'ray-ts:default:');
    await store.close();
    await store.close();
    await assert.rejects(store.get('kv', 'k'), RaySystemError);
  });

  it('connect to a dead port rejects with RaySystemError within seconds', T, async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const t0 = Date.now();
    await assert.rejects(RedisStore.connect(`127.0.0.1:${port}`), (err: unknown) => {
      assert.ok(err instanceof RaySystemError);
      assert.match(err.message, new RegExp(`Redis at 127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
      return true;
    });
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  });

  it('connect to a server that never answers rejects after connectTimeoutMs', T, async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((sock) => void sockets.add(sock)).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const { port } = silent.address() as { port: number };
    try {
      const t0 = Date.now();
      await assert.rejects(RedisStore.connect(`127.0.0.1:${port}`, { connectTimeoutMs: 300 }), /no answer within 300 ms/);
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('a wrong password rejects with RaySystemError; the right one connects', T, async () => {
    const secured = await startRedisServer();
    const admin = new Redis(secured.port, '127.0.0.1', { lazyConnect: true });
    try {
      await admin.connect();
      await admin.config('SET', 'requirepass', 's3cret');
      await assert.rejects(RedisStore.connect(secured.address, { password: 'wrong' }), /Could not connect to Redis.*WRONGPASS/);
      const ok = await RedisStore.connect(`redis://:s3cret@${secured.address}`);
      await ok.put('kv', 'k', 1);
      await ok.close();
    } finally {
      admin.disconnect();
      await secured.stop();
    }
  });

  it('bad addresses and options throw at the call site', () => {
    assert.throws(() => RedisStore.connect('localhost'), /address must be/);
    assert.throws(() => RedisStore.connect('localhost:99999'), /port 1-65535/);
    assert.throws(() => RedisStore.connect('redis://h:1/x'), /database number/);
    assert.throws(() => RedisStore.connect('h:1', { clusterName: '' }), TypeError);
    assert.throws(() => RedisStore.connect('h:1', { connectTimeoutMs: 0 }), /options\.connectTimeoutMs/);
  });
});
