/**
 * A {@link GcsStore} in Redis, so a restarted head finds its detached and named
 * actors, jobs, placement groups and internal KV again.
 *
 * Layout: one Redis hash per table, named `<keyPrefix><table>` (e.g.
 * `ray-ts:default:actors`); the hash field is the key and the value is msgpack.
 * Values are plain data: objects, arrays, strings, numbers, booleans, null,
 * undefined, Date and Uint8Array (read back as Uint8Array, Buffers included).
 * A Map comes back as a plain object; BigInt, Set and class instances are not kept.
 *
 * Connecting fails fast with a {@link RaySystemError}; once connected, a lost
 * connection is retried in the background (logged once per outage) and the
 * calls made meanwhile wait for it, failing after about ten seconds.
 *
 * @module
 */
import { Redis } from 'ioredis';
import { Packr, Unpackr } from 'msgpackr';
import { RaySystemError } from '../errors.js';
import type { GcsStore, GcsTable } from './store.js';

/** Options of {@link RedisStore.connect}. */
export interface RedisStoreOptions {
  /**
   * Password for Redis AUTH; overrides one given in a `redis://` address.
   * @default the address's password, else none
   */
  password?: string;
  /**
   * Name of the cluster whose state this is: clusters sharing one Redis keep apart by it.
   * @default 'default'
   */
  clusterName?: string;
  /**
   * Prefix of every Redis key this store uses.
   * @default `ray-ts:<clusterName>:`
   */
  keyPrefix?: string;
  /**
   * How long connecting (TCP, AUTH and the ready check) may take before `connect` rejects, in ms.
   * @default 10000
   */
  connectTimeoutMs?: number;
}

/** Where a Redis address points, parsed from `host:port` or `redis[s]://[user:password@]host:port[/db]`. */
interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
  /** `host:port`, for messages (never the password). */
  display: string;
}

/**
 * Calls made while Redis is unreachable wait for this many reconnection attempts before they
 * reject. With the backoff below (50 ms more each attempt, at most 2 s) that is about 10 s:
 * long enough to ride out a Redis restart, short enough that a head call does not hang.
 */
const MAX_RETRIES_PER_REQUEST = 20;

/** Delay before reconnection attempt `times` after a connection was lost (ioredis's default). */
function reconnectDelay(times: number): number {
  return Math.min(times * 50, 2000);
}

// Own instances rather than msgpackr's shared `pack`/`unpack` (same format): reads copy
// binaries out of the reply, so a stored Uint8Array is its own and not a Buffer view.
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, copyBuffers: true });

function encode(value: unknown): Buffer {
  return packr.pack(value);
}

function decode(buf: Buffer): unknown {
  return unpackr.unpack(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}

/** Parses `host:port`, `[ipv6]:port` or a `redis://` / `rediss://` URL; throws `TypeError` naming `address`. */
function parseAddress(address: unknown): RedisTarget {
  const bad = (why: string) =>
    new TypeError(`address must be 'host:port' or 'redis://host:port' (${why}), got ${JSON.stringify(address)}`);
  if (typeof address !== 'string' || address === '') throw bad('a non-empty string');
  const port = (s: string) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw bad('port 1-65535');
    return n;
  };
  if (/^rediss?:\/\//i.test(address)) {
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      throw bad('not a valid URL');
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host) throw bad('no host');
    const p = url.port ? port(url.port) : 6379;
    const dbPath = url.pathname.replace(/^\//, '');
    if (dbPath !== '' && !/^\d+$/.test(dbPath)) throw bad('the path must be a database number');
    return {
      host,
      port: p,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: dbPath ? Number(dbPath) : undefined,
      tls: url.protocol.toLowerCase() === 'rediss:',
      display: `${url.hostname}:${p}`,
    };
  }
  const m = /^(?:\[([^\]]+)\]|([^:/\s]+)):(\d+)$/.exec(address);
  if (!m) throw bad('no host:port');
  return { host: (m[1] ?? m[2])!, port: port(m[3]!), tls: false, display: address };
}

/** Checks the options and fills in defaults; throws `TypeError`/`RangeError` naming the field. */
function resolveOptions(o: RedisStoreOptions): Readonly<Required<Omit<RedisStoreOptions, 'password'>> & { password?: string }> {
  if (o === null || typeof o !== 'object') throw new TypeError('options must be an object');
  const str = (name: string, v: unknown, nonEmpty: boolean) => {
    if (v !== undefined && (typeof v !== 'string' || (nonEmpty && v === ''))) {
      throw new TypeError(`options.${name} must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${JSON.stringify(v)}`);
    }
  };
  str('password', o.password, false);
  str('clusterName', o.clusterName, true);
  str('keyPrefix', o.keyPrefix, false);
  const timeout = o.connectTimeoutMs ?? 10_000;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new RangeError(`options.connectTimeoutMs must be a positive number of milliseconds, got ${String(timeout)}`);
  }
  const clusterName = o.clusterName ?? 'default';
  return Object.freeze({
    password: o.password,
    clusterName,
    keyPrefix: o.keyPrefix ?? `ray-ts:${clusterName}:`,
    connectTimeoutMs: timeout,
  });
}

/** An error's message without its trailing period, to embed in a sentence. */
function reason(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\.+$/, '');
}

/** The head's durable state in Redis; see the module comment for layout and behaviour. */
export class RedisStore implements GcsStore {
  private outage = false;
  private closed = false;

  private constructor(
    private readonly client: Redis,
    /** Prefix of every key, e.g. `ray-ts:default:`. */
    readonly keyPrefix: string,
    /** `host:port` of the Redis server, for messages. */
    readonly where: string,
  ) {
    client.on('error', (err: Error) => this.onConnectionError(err));
    client.on('ready', () => this.onReady());
  }

  /**
   * Connects to Redis at `address` (`host:port` or `redis://[:password@]host:port[/db]`,
   * `rediss://` for TLS). Rejects with {@link RaySystemError} when Redis cannot be reached,
   * refuses the password or does not answer within `connectTimeoutMs`; a bad address or
   * option throws `TypeError`/`RangeError` at once.
   */
  static connect(address: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const target = parseAddress(address);
    const opts = resolveOptions(options);
    return RedisStore.open(target, opts.keyPrefix, opts.password ?? target.password, opts.connectTimeoutMs);
  }

  private static async open(target: RedisTarget, keyPrefix: string, password: string | undefined, timeoutMs: number): Promise<RedisStore> {
    let connected = false;
    let lastError: unknown;
    const client = new Redis({
      host: target.host,
      port: target.port,
      username: target.username,
      password,
      db: target.db,
      tls: target.tls ? {} : undefined,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      // Redis closes as soon as we do; a peer that does not is dropped after this long.
      disconnectTimeout: 500,
      maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
      // No retries until the first connection is up, so a bad address fails connect at once
      // instead of reconnecting forever; after that, reconnect with backoff.
      retryStrategy: (times) => (connected ? reconnectDelay(times) : null),
    });
    const remember = (err: unknown) => (lastError = err);
    client.on('error', remember);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      // ioredis arms a timer on disconnect() that only a later socket 'close' clears: skip it
      // when the connection has already ended (refused, bad password), or it holds the process.
      if (client.status !== 'end') client.disconnect();
      const cause = lastError ?? err;
      throw new RaySystemError(
        `Could not connect to Redis at ${target.display}: ${reason(cause)}. Check that redis-server is ` +
          'running there and reachable from this machine, and the password if it needs one; then start the head again.',
        { cause },
      );
    } finally {
      clearTimeout(timer);
      client.off('error', remember);
    }
    connected = true;
    return new RedisStore(client, keyPrefix, target.display);
  }

  /** One value, or undefined. */
  async get<T>(table: GcsTable, key: string): Promise<T | undefined> {
    const buf = await this.run('get', table, key, () => this.client.hgetBuffer(this.hashOf(table), key));
    return buf === null ? undefined : (decode(buf) as T);
  }

  /** Sets a value (overwrites); resolves once Redis has acknowledged the write. */
  async put(table: GcsTable, key: string, value: unknown): Promise<void> {
    const bytes = encode(value);
    await this.run('put', table, key, () => this.client.hset(this.hashOf(table), key, bytes));
  }

  /** Removes a key (no error when absent). */
  async delete(table: GcsTable, key: string): Promise<void> {
    await this.run('delete', table, key, () => this.client.hdel(this.hashOf(table), key));
  }

  /** Every key and value of a table (one atomic HGETALL). */
  async getAll<T>(table: GcsTable): Promise<Map<string, T>> {
    const all = await this.run('getAll', table, undefined, () => this.client.hgetallBuffer(this.hashOf(table)));
    const out = new Map<string, T>();
    for (const [k, v] of Object.entries(all)) out.set(k, decode(v) as T);
    return out;
  }

  /** Closes the connection (idempotent); calls made afterwards reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** Same as {@link RedisStore.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private hashOf(table: GcsTable): string {
    return this.keyPrefix + table;
  }

  private async run<R>(op: string, table: GcsTable, key: string | undefined, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      const what = key === undefined ? table : `${table}/${key}`;
      const next = this.closed
        ? 'The store was closed.'
        : 'Check that Redis is up; the connection is retried in the background.';
      throw new RaySystemError(`Redis ${op} of ${what} at ${this.where} failed: ${reason(err)}. ${next}`, { cause: err });
    }
  }

  private onConnectionError(err: Error): void {
    if (this.closed || this.outage) return;
    this.outage = true;
    console.warn(
      `ray-ts: lost the connection to Redis at ${this.where} (${err.message}); reconnecting in the background. ` +
        'Head state writes wait for it and fail after about 10 s.',
    );
  }

  private onReady(): void {
    if (!this.outage) return;
    this.outage = false;
    console.warn(`ray-ts: reconnected to Redis at ${this.where}.`);
  }
}
