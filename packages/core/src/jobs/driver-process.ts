/**
 * A job's driver process on the head machine: started in a process group of its own
 * (so a stop reaches whatever it started), with stdout and stderr appended to the
 * job's log file, and the environment that makes `init()` join the cluster.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RuntimeEnvWire } from '../transport/protocol.js';

/** What a driver needs to join the cluster. */
export interface DriverEnv {
  /** The head's `host:port`. */
  address: string;
  token?: string;
  submissionId: string;
  /** The job's runtime environment: its working directory and env vars, for the tasks it starts. */
  runtimeEnv?: RuntimeEnvWire;
  envVars?: Record<string, string>;
}

/** Variables of the head's own process that must not reach a driver. */
const HEAD_ONLY = [
  'RAY_TS_NODE_OPTIONS', 'RAY_TS_WORKER', 'RAY_TS_WORKER_ID', 'RAY_TS_NODE_SOCKET', 'RAY_TS_WORKING_DIR', 'RAY_TS_WORKING_DIR_URI',
  'RAY_TS_WORKING_DIR_ROOT', 'RAY_TS_JOB_ID', 'NODE_TEST_CONTEXT',
];

/**
 * The driver's environment: the head's, plus the job's env vars, plus RAY_TS_ADDRESS and
 * RAY_TS_CLUSTER_TOKEN (so `init()` with no address joins this cluster),
 * RAY_TS_JOB_SUBMISSION_ID, and RAY_TS_JOB_RUNTIME_ENV (JSON; `init()` makes it the job's
 * runtime environment when it is given none).
 */
export function driverEnv(d: DriverEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(d.envVars ?? {}) };
  for (const k of HEAD_ONLY) delete env[k];
  env.RAY_TS_ADDRESS = d.address;
  env.RAY_TS_JOB_SUBMISSION_ID = d.submissionId;
  if (d.token !== undefined) env.RAY_TS_CLUSTER_TOKEN = d.token;
  else delete env.RAY_TS_CLUSTER_TOKEN;
  if (d.runtimeEnv) env.RAY_TS_JOB_RUNTIME_ENV = JSON.stringify(d.runtimeEnv);
  else delete env.RAY_TS_JOB_RUNTIME_ENV;
  return env;
}

/**
 * Starts `entrypoint` (argv) in `cwd` as the leader of a new process group, output
 * appended to `logFile`. A leading `node` means this Node binary, so the driver runs on
 * the same Node version as the cluster.
 */
export function spawnDriver(entrypoint: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  try {
    const [cmd, ...args] = entrypoint;
    return spawn(cmd === 'node' ? process.execPath : cmd!, args, { cwd, env, detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log); // the child has its own copy
  }
}

/** Sends `signal` to the process group led by `pid`; false when none is left. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while a process with this id exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
