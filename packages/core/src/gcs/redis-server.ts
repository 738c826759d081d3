/**
 * Starts a throwaway `redis-server` for tests and benchmarks (not part of the package's
 * public API: import this file directly). It listens on a free loopback port, keeps its
 * data in a fresh temporary directory with an fsync'd append-only file, so data
 * survives {@link RedisServer.restart}, and {@link RedisServer.stop} removes it all.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RaySystemError } from '../errors.js';

/** A running test Redis; see {@link startRedisServer}. */
export interface RedisServer {
  /** `127.0.0.1:<port>`, ready for `RedisStore.connect`. */
  readonly address: string;
  /** The TCP port it listens on. */
  readonly port: number;
  /** Kills the server and removes its data directory (idempotent). */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and data; resolves once it answers PING. */
  restart(): Promise<void>;
  /** Same as `stop()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** How long a started server may take to answer PING. */
const START_TIMEOUT_MS = 10_000;
/** How long a stopping server gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Absolute path of `redis-server` on PATH; throws naming the package to install. */
function findRedisServer(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'redis-server');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  throw new RaySystemError(
    'redis-server was not found on PATH; the Redis store tests need it. Install it with ' +
      '`sudo apt-get install redis-server` (.ci/run does this), then run the tests again.',
  );
}

/** A port that was free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a Redis answers PING on the port. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Spawns `redis-server` on a free loopback port with `--save '' --appendonly yes
 * --appendfsync always` in a fresh temporary directory and resolves once it answers PING.
 * Throws {@link RaySystemError} when `redis-server` is not installed or does not come up.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const bin = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'ray-ts-redis-'));
  const logFile = join(dir, 'redis.log');
  let port = 0;
  let child: ChildProcess | undefined;
  let stopped = false;
  // A test process that dies without stop() must not leave redis-server behind.
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--dir', dir, '--logfile', logFile, '--daemonize', 'no'];
    const c = spawn(bin, args, { stdio: 'ignore' });
    child = c;
    let spawnError: Error | undefined;
    c.once('error', (err) => (spawnError = err));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (spawnError || c.exitCode !== null || c.signalCode !== null) break;
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill('SIGKILL');
    await waitExit(c);
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
    } catch {
      /* no log yet */
    }
    throw new RaySystemError(
      `redis-server on port ${port} did not come up within ${START_TIMEOUT_MS} ms` +
        `${spawnError ? ` (${spawnError.message})` : ''}${log ? `; its log ends:\n${log}` : ''}`,
    );
  };

  const kill = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), STOP_GRACE_MS);
    await waitExit(c);
    clearTimeout(timer);
    child = undefined;
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await kill();
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };

  // The free port can be taken between probing and binding: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3) {
        await stop();
        throw err;
      }
    }
  }

  return {
    address: `127.0.0.1:${port}`,
    port,
    stop,
    async restart() {
      if (stopped) throw new RaySystemError('restart() after stop(): start a new server instead.');
      await kill();
      await launch();
    },
    [Symbol.asyncDispose]: stop,
  };
}
