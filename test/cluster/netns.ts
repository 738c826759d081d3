/**
 * Linux network namespaces as separate hosts for cluster tests: a bridge in the root
 * namespace (`rtsbr<tag>`, 10.<x>.0.254/24) and N namespaces (`rts-<tag>-<i>`), each joined
 * to the bridge by a veth pair and given 10.<x>.0.<i+1>/24, `lo` up and a default route via
 * the bridge. Processes run inside with `runInNs` (`ip netns exec`); `cleanup()` kills every
 * process in the namespaces and deletes the namespaces, veths and bridge. It also runs on
 * process exit and on SIGINT/SIGTERM, so a failed or interrupted test leaves nothing behind.
 *
 * The namespaces split only the network: the file system, /dev/shm, the boot id and the pid
 * space stay shared, so a test must give each "host" its own temp dir and RAY_TS_HOST_ID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** One namespace standing in for a host. */
export interface NetnsHost {
  /** Namespace name (`rts-<tag>-<i>`). */
  ns: string;
  /** Its address on the bridge (10.<x>.0.<i+1>). */
  ip: string;
  index: number;
}

/** A set of namespaces on one bridge. */
export interface NetnsNetwork {
  bridge: string;
  /** The bridge's address in the root namespace (10.<x>.0.254), the hosts' default gateway. */
  bridgeIp: string;
  hosts: NetnsHost[];
  /** Spawns `argv` inside namespace `ns` (through `ip netns exec`); the process is killed by `cleanup()`. */
  runInNs(ns: string, argv: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** Runs `argv` inside `ns` to completion; rejects on a non-zero exit or after `timeoutMs`. */
  execInNs(ns: string, argv: string[], env?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
  /**
   * Stops every process in the namespaces (SIGTERM, then SIGKILL after `graceMs`, default 3000)
   * and deletes namespaces, veths and bridge. Idempotent and synchronous.
   */
  cleanup(graceMs?: number): void;
  /** Adds a synchronous step to `cleanup()`, run once the namespaces' processes are gone (also on exit or a signal). */
  onCleanup(fn: () => void): void;
}

/** Whether namespaces can be made here: root, iproute2, and the kernel's netns, veth and bridge support. */
export function netnsAvailable(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (run the tests as root)' };
  try {
    ip(['-V']);
  } catch {
    return { ok: false, reason: 'iproute2 (`ip`) is not installed' };
  }
  const tag = randomBytes(2).toString('hex');
  const [ns, br, veth] = [`rts-probe-${tag}`, `rtsprb${tag}`, `rtsprv${tag}`];
  const undo: string[][] = [];
  try {
    ip(['netns', 'add', ns]);
    undo.push(['netns', 'del', ns]);
    ip(['link', 'add', br, 'type', 'bridge']);
    undo.push(['link', 'del', br]);
    ip(['link', 'add', `${veth}a`, 'type', 'veth', 'peer', 'name', `${veth}b`]);
    undo.push(['link', 'del', `${veth}a`]);
    ip(['link', 'set', `${veth}b`, 'netns', ns]);
    ip(['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `cannot set up network namespaces here: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}` };
  } finally {
    for (const a of undo.reverse()) tryIp(a);
  }
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
}

function tryIp(args: string[]): void {
  try {
    ip(args);
  } catch {
    /* already gone */
  }
}

/** A second octet x such that 10.x.0.0/24 clashes with no address or route of the root namespace. */
function freeSubnet(): number {
  const used = ip(['-4', '-o', 'addr']) + ip(['-4', 'route']);
  for (let tries = 0; tries < 100; tries++) {
    const x = 16 + (randomBytes(1)[0]! % 224);
    if (!used.includes(`10.${x}.`)) return x;
  }
  throw new Error('no free 10.x.0.0/24 subnet for the test namespaces');
}

/** Creates `n` namespaces on a fresh bridge. Call `cleanup()` when done (it also runs at exit). */
export function createNetns(n: number): NetnsNetwork {
  const tag = randomBytes(2).toString('hex');
  const x = freeSubnet();
  const bridge = `rtsbr${tag}`;
  const bridgeIp = `10.${x}.0.254`;
  const hosts: NetnsHost[] = Array.from({ length: n }, (_, i) => ({ ns: `rts-${tag}-${i}`, ip: `10.${x}.0.${i + 1}`, index: i }));
  const children = new Set<ChildProcess>();
  const hooks: (() => void)[] = [];
  let cleaned = false;

  const cleanup = (graceMs = 3000): void => {
    if (cleaned) return;
    cleaned = true;
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const running = (): ChildProcess[] => [...children].filter((c) => c.exitCode === null && c.signalCode === null);
    for (const c of running()) c.kill('SIGTERM');
    // Every process in a namespace is ours (nodes detach from their `ray-ts start`, workers
    // from their node): SIGTERM them by pid (a node then removes its shared memory), and
    // SIGKILL what is left after the grace period, until none is left, so the namespaces go.
    const signalAll = (sig: NodeJS.Signals | 0): number => {
      let left = 0;
      for (const h of hosts) {
        let pids: number[] = [];
        try {
          pids = ip(['netns', 'pids', h.ns]).split(/\s+/).filter(Boolean).map(Number);
        } catch {
          continue; // no such namespace
        }
        for (const pid of pids) {
          if (pid === process.pid) continue;
          left++;
          try {
            process.kill(pid, sig);
          } catch {
            /* gone */
          }
        }
      }
      return left;
    };
    const graceEnd = Date.now() + graceMs;
    signalAll('SIGTERM');
    for (let round = 0; round < 400; round++) {
      if (signalAll(Date.now() > graceEnd ? 'SIGKILL' : 0) === 0) break;
      execFileSync('sleep', ['0.05']);
    }
    for (const c of running()) c.kill('SIGKILL'); // any that had not entered its namespace yet
    for (const fn of hooks) {
      try {
        fn();
      } catch (err) {
        console.error('netns cleanup step failed:', err);
      }
    }
    for (const h of hosts) {
      tryIp(['netns', 'del', h.ns]);
      tryIp(['link', 'del', `rtsv${tag}h${h.index}`]);
    }
    tryIp(['link', 'del', bridge]);
  };
  const onExit = (): void => cleanup();
  const onSignal = (sig: NodeJS.Signals): void => {
    cleanup();
    process.kill(process.pid, sig); // our handler is gone: the signal now does what it would have
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    ip(['link', 'add', bridge, 'type', 'bridge']);
    ip(['addr', 'add', `${bridgeIp}/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
    for (const h of hosts) {
      const [outer, inner] = [`rtsv${tag}h${h.index}`, `rtsv${tag}n${h.index}`];
      ip(['netns', 'add', h.ns]);
      ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
      ip(['link', 'set', outer, 'master', bridge]);
      ip(['link', 'set', outer, 'up']);
      ip(['link', 'set', inner, 'netns', h.ns]);
      const inNs = (args: string[]) => ip(['-n', h.ns, ...args]);
      inNs(['link', 'set', 'lo', 'up']);
      inNs(['link', 'set', inner, 'name', 'eth0']);
      inNs(['addr', 'add', `${h.ip}/24`, 'dev', 'eth0']);
      inNs(['link', 'set', 'eth0', 'up']);
      inNs(['route', 'add', 'default', 'via', bridgeIp]);
    }
  } catch (err) {
    cleanup();
    throw err;
  }

  const runInNs = (ns: string, argv: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess => {
    if (cleaned) throw new Error('the test namespaces were already cleaned up');
    if (!hosts.some((h) => h.ns === ns)) throw new Error(`unknown test namespace '${ns}'`);
    // `ip netns exec` execs the command in place: the child's pid is the command's pid.
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  };

  const execInNs = (ns: string, argv: string[], env?: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = runInNs(ns, argv, env);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve({ stdout, stderr });
        else reject(Object.assign(new Error(`in ${ns}: \`${argv.join(' ')}\` ${signal ? `was killed (${signal})` : `exited with ${code}`}\n${stderr}`), { stdout, stderr }));
      });
    });

  return { bridge, bridgeIp, hosts, runInNs, execInNs, cleanup, onCleanup: (fn) => void hooks.push(fn) };
}
