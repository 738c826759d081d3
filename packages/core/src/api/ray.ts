/**
 * The driver-facing API: init and shutdown, get, put, wait, cancel, kill, getActor,
 * and the cluster's resources.
 */
import { availableParallelism, totalmem, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { realpathSync, existsSync } from 'node:fs';
import { config } from '../config.js';
import { newId } from '../ids.js';
import { ActorNotFoundError, DriverCodeInWorkerError, RayError, ObjectFreedError } from '../errors.js';
import { NodeManager } from '../node/node-manager.js';
import { CoreWorker } from '../runtime/core-worker.js';
import { LocalClient } from '../runtime/local-client.js';
import { SocketClient } from '../runtime/socket-client.js';
import { readHeadInfo, resolveToken } from '../cli/head-file.js';
import { isImportingDefinitions } from '../runtime/function-registry.js';
import { ObjectRef, ObjectRefGenerator } from '../runtime/object-ref.js';
import { checkKeys, nonNegative } from './options.js';
import { preloadArrow } from '../serialization/index.js';
import { currentState, isWorkerProcess, requireState, setState } from './state.js';
import { handleData, makeActorHandle, type ActorHandle } from './actor.js';
import type { ResourceMap, RuntimeEnvWire } from '../transport/protocol.js';
import { checkLogToDriver, flushWorkerLogs, printWorkerLog } from './driver-logs.js';

/** Options of {@link init}. */
export interface InitOptions {
  /** CPUs of the embedded node. @default the machine's CPU count */
  numCpus?: number;
  /** GPUs of the embedded node. @default 0 */
  numGpus?: number;
  /** Custom resources of the node, e.g. `{ special: 2 }`. @default {} */
  resources?: ResourceMap;
  /** Namespace for named actors. @default a fresh anonymous namespace */
  namespace?: string;
  /** Bytes of shared memory for large objects before spilling to disk. @default 30% of system memory */
  objectStoreMemory?: number;
  /**
   * Where to run. Undefined or 'local': an embedded local cluster in this process.
   * `'host:port'`: a node started with `ray-ts start --head`. `'auto'`: the node started on
   * this machine (or RAY_TS_ADDRESS).
   */
  address?: string;
  /** Cluster token for a node started with `ray-ts start` (default: RAY_TS_CLUSTER_TOKEN, or the local head's token file). */
  token?: string;
  /** Return quietly when already initialized. @default false */
  ignoreReinitError?: boolean;
  /** Where session directories (sockets, spill files) go. @default `<tmpdir>/ray-ts` */
  tempDir?: string;
  /**
   * The job's runtime environment, for every task and actor it starts. `workingDir`
   * (cluster only): this directory is packed (node_modules and .git left out, plus
   * `excludes`), stored in the head, and unpacked on each node that runs the job's code;
   * modules under it load from that copy, never from this machine's path.
   */
  runtimeEnv?: { workingDir?: string; excludes?: string[]; envVars?: Record<string, string> };
  /**
   * Port of the embedded node's HTTP endpoint on 127.0.0.1: the dashboard page at `/`,
   * Prometheus `/metrics` and the state API as JSON under `/api/v0/`. 0 picks a free port;
   * `false` serves none.
   * @default 0
   */
  metricsExportPort?: number | false;
  /**
   * Print this job's task and actor stdout/stderr here, prefixed `(fn pid=...)` (other nodes:
   * `(fn pid=..., ip=..., node=...)`), deduplicated. Ray's `log_to_driver`; `false` leaves it in the nodes' log files.
   * @default true
   */
  logToDriver?: boolean;
}

/** What init() reports. */
export interface InitInfo {
  nodeId: string;
  sessionDir: string;
  namespace: string;
  resources: ResourceMap;
  /** URL of the node's Prometheus endpoint (`http://host:port/metrics`), when it serves one. */
  metricsUrl?: string;
  /**
   * URL of the dashboard page (`http://host:port/`), served next to `/metrics`: for the
   * embedded cluster, and for `address: 'auto'` (the node started on this machine).
   * `init()` prints it when stderr is a terminal.
   */
  dashboardUrl?: string;
}

const INIT_KEYS = new Set(['metricsExportPort', 'numCpus', 'numGpus', 'resources', 'namespace', 'objectStoreMemory', 'address', 'token', 'ignoreReinitError', 'tempDir', 'runtimeEnv', 'logToDriver']);
let exitHookInstalled = false;

/** Starts ray-ts: an embedded local cluster using this machine's cores, with no server to start. */
export async function init(options: InitOptions = {}): Promise<InitInfo> {
  const existing = currentState();
  if (isWorkerProcess()) {
    if (isImportingDefinitions() || !existing) throw new DriverCodeInWorkerError('a module');
    return info(existing);
  }
  checkKeys('init() options', options, INIT_KEYS);
  if (existing) {
    if (options.ignoreReinitError) return info(existing);
    throw new RayError('init() was already called. Call shutdown() first, or pass ignoreReinitError: true.');
  }
  checkLogToDriver(options.logToDriver);
  const address = options.address ?? process.env.RAY_TS_ADDRESS;
  if (address !== undefined && address !== 'local') return connect(address, options);
  const numCpus = options.numCpus === undefined ? availableParallelism() : nonNegative('init() options.numCpus', options.numCpus);
  const numGpus = options.numGpus === undefined ? 0 : nonNegative('init() options.numGpus', options.numGpus);
  if (!Number.isInteger(numGpus)) throw new RangeError(`init() options.numGpus must be a whole number, got ${numGpus}`);
  const resources: ResourceMap = { CPU: numCpus, GPU: numGpus, memory: Math.floor(totalmem() * 0.7) };
  for (const [k, v] of Object.entries(options.resources ?? {})) {
    if (k === 'CPU' || k === 'GPU') throw new TypeError(`init() options.resources.${k}: use numCpus/numGpus instead`);
    resources[k] = nonNegative(`init() options.resources.${k}`, v);
  }
  const objectStoreMemory = options.objectStoreMemory === undefined
    ? Math.floor(totalmem() * config.objectStoreMemoryFraction)
    : nonNegative('init() options.objectStoreMemory', options.objectStoreMemory);
  if (options.namespace !== undefined && (typeof options.namespace !== 'string' || !options.namespace)) {
    throw new TypeError('init() options.namespace must be a non-empty string');
  }
  const namespace = options.namespace ?? `anonymous-${newId('j')}`;
  const mport = options.metricsExportPort ?? 0;
  if (mport !== false && (!Number.isInteger(mport) || mport < 0 || mport > 65535)) {
    throw new RangeError(`init() options.metricsExportPort must be a port number (0 picks a free one) or false, got ${String(mport)}`);
  }
  const node = new NodeManager({
    ...(mport === false ? {} : { metricsExportPort: mport, metricsHost: '127.0.0.1' }),
    resources,
    objectStoreMemory,
    namespace,
    sessionRoot: options.tempDir ?? join(tmpdir(), 'ray-ts'),
    prestartWorkers: config.prestartWorkers >= 0 ? config.prestartWorkers : Math.ceil(numCpus),
  });
  node.workerLogs.print = options.logToDriver !== false;
  await Promise.all([node.start(), preloadArrow()]);
  const core = new CoreWorker(new LocalClient(node), 'driver', namespace, newId('j'));
  // In the embedded cluster workers read this machine's files: only envVars apply.
  if (options.runtimeEnv?.envVars) core.jobRuntimeEnv = { envVars: { ...options.runtimeEnv.envVars } };
  setState({ core, node, namespace, jobId: core.jobId, workerId: 'driver' });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => shutdown());
    // Ctrl-C and kill: clean up, then die of the same signal as before.
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = () => {
        shutdown();
        if (process.listenerCount(sig) === 1) {
          process.removeListener(sig, onSignal);
          process.kill(process.pid, sig);
        }
      };
      process.on(sig, onSignal);
    }
  }
  const started = info(currentState()!);
  if (started.dashboardUrl && process.stderr.isTTY) process.stderr.write(`[ray-ts] dashboard: ${started.dashboardUrl}\n`);
  return started;
}

/** Attaches this driver to a running node. */
async function connect(address: string, options: InitOptions): Promise<InitInfo> {
  for (const k of ['numCpus', 'numGpus', 'resources', 'objectStoreMemory', 'metricsExportPort'] as const) {
    if (options[k] !== undefined) throw new TypeError(`init() options.${k} cannot be set when connecting to a running cluster (address '${address}'); set it on \`ray-ts start\`.`);
  }
  let target = address;
  let dashboardAddress: string | undefined;
  if (address === 'auto') {
    const head = readHeadInfo(options.tempDir);
    if (!head) throw new RayError("init({ address: 'auto' }) found no node started on this machine. Run `ray-ts start --head`, or pass its address.");
    target = head.address;
    dashboardAddress = head.metricsAddress;
  } else if (!/^[^:/\s]+:\d+$/.test(address)) {
    throw new TypeError(`init() options.address must be 'local', 'auto' or 'host:port', got '${address}'`);
  }
  if (options.namespace !== undefined && (typeof options.namespace !== 'string' || !options.namespace)) {
    throw new TypeError('init() options.namespace must be a non-empty string');
  }
  const jobId = newId('j'); // the node sends this job's worker output, from every node of the cluster
  const client = await SocketClient.connect(target, newId('w'), 'driver', printWorkerLog, resolveToken(options.token, options.tempDir), { jobId, logs: options.logToDriver !== false });
  client.setRef(false);
  await preloadArrow();
  const namespace = options.namespace ?? `anonymous-${newId('j')}`;
  const core = new CoreWorker(client, 'driver', namespace, jobId);
  try {
    // A driver run by `ray-ts job submit` inherits the job's runtime environment (working directory, env vars).
    const submitted = options.runtimeEnv === undefined ? process.env.RAY_TS_JOB_RUNTIME_ENV : undefined;
    core.jobRuntimeEnv = submitted ? (JSON.parse(submitted) as RuntimeEnvWire) : await jobRuntimeEnv(client, options.runtimeEnv);
  } catch (err) {
    client.close();
    throw err;
  }
  setState({ core, namespace, jobId: core.jobId, workerId: client.peerId });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => shutdown());
  }
  return {
    nodeId: client.nodeId, sessionDir: client.sessionDir, namespace, resources: (await client.resources()).total,
    ...(dashboardAddress ? { dashboardUrl: `http://${dashboardAddress}/` } : {}),
  };
}

/** Packs and uploads the job's working directory (once per content hash), and checks the options. */
async function jobRuntimeEnv(client: SocketClient, env: InitOptions['runtimeEnv']): Promise<RuntimeEnvWire | undefined> {
  if (env === undefined) return undefined;
  checkKeys('init() options.runtimeEnv', env, new Set(['workingDir', 'excludes', 'envVars']));
  const out: RuntimeEnvWire = {};
  if (env.envVars !== undefined) {
    for (const [k, v] of Object.entries(env.envVars)) if (typeof v !== 'string') throw new TypeError(`init() options.runtimeEnv.envVars.${k} must be a string`);
    out.envVars = { ...env.envVars };
  }
  if (env.workingDir !== undefined) {
    if (typeof env.workingDir !== 'string' || !env.workingDir) throw new TypeError('init() options.runtimeEnv.workingDir must be a directory path');
    const { packWorkingDir } = await import('../runtime-env/working-dir.js');
    const dir = realpathSync(resolvePath(env.workingDir));
    const packed = await packWorkingDir(dir, { excludes: env.excludes });
    const have = await client.request({ t: 'gcs.kvExists', key: packed.uri });
    if (have.error) throw new RayError(`Cannot store the working directory in the cluster: ${String(have.error)}`);
    if (!have.exists) {
      const r = await client.request({ t: 'gcs.kvPut', key: packed.uri, value: packed.bytes });
      if (r.error) throw new RayError(`Cannot store the working directory in the cluster: ${String(r.error)}`);
    }
    out.workingDir = packed.uri;
    out.workingDirRoot = pathToFileURL(dir).href;
  }
  return out.workingDir || out.envVars ? out : undefined;
}

function info(st: NonNullable<ReturnType<typeof currentState>>): InitInfo {
  return {
    nodeId: st.core.client.nodeId,
    sessionDir: st.core.client.sessionDir,
    namespace: st.namespace,
    resources: st.node ? { ...st.node.resources.total } : {},
    ...(st.node?.metricsAddress ? { metricsUrl: `http://${st.node.metricsAddress}/metrics`, dashboardUrl: `http://${st.node.metricsAddress}/` } : {}),
  };
}

/** True after init() (and in workers). */
export function isInitialized(): boolean {
  return currentState() !== undefined;
}

/** Stops the embedded cluster: workers, shared memory and session files. Safe to call twice. */
export function shutdown(): void {
  const st = currentState();
  if (!st || isWorkerProcess()) return;
  setState(undefined);
  st.core.detach();
  st.core.client.close();
  flushWorkerLogs();
}

/** Options of {@link get}. */
export interface GetOptions {
  /** Milliseconds to wait before GetTimeoutError. @default wait forever */
  timeout?: number;
}

function checkRef(r: unknown, where: string): ObjectRef<unknown> {
  if (!(r instanceof ObjectRef)) {
    throw new TypeError(`${where} expects ObjectRef(s), got ${r === null ? 'null' : typeof r === 'object' ? (r as object).constructor?.name ?? 'object' : typeof r}`);
  }
  if (r.isReleased) throw new ObjectFreedError(r.id);
  return r;
}

function timeoutMs(where: string, t: number | undefined): number | undefined {
  if (t === undefined) return undefined;
  return nonNegative(`${where}.timeout`, t);
}

/** Waits for and returns the value of a ref, or the values of a list of refs (in order). Errors of the tasks are thrown. */
export async function get<T>(ref: ObjectRef<T>, options?: GetOptions): Promise<T>;
export async function get<T extends readonly ObjectRef<unknown>[]>(refs: T, options?: GetOptions): Promise<{ -readonly [K in keyof T]: T[K] extends ObjectRef<infer V> ? V : never }>;
export async function get<T>(refs: ObjectRef<T>[], options?: GetOptions): Promise<T[]>;
export async function get(refOrRefs: ObjectRef<unknown> | readonly ObjectRef<unknown>[], options: GetOptions = {}): Promise<unknown> {
  const st = requireState('get()');
  checkKeys('get() options', options, new Set(['timeout']));
  const t = timeoutMs('get() options', options.timeout);
  if (Array.isArray(refOrRefs)) {
    const ids = refOrRefs.map((r) => checkRef(r, 'get()').id);
    return st.core.get(ids, t);
  }
  if (refOrRefs instanceof ObjectRefGenerator) {
    throw new TypeError('get() takes ObjectRefs; iterate an ObjectRefGenerator with `for await (const ref of gen)` and get each ref.');
  }
  const [v] = await st.core.get([checkRef(refOrRefs, 'get()').id], t);
  return v;
}

/** Stores a value in the object store and returns its ref. Large binary data goes to shared memory once and is read zero-copy. */
export function put<T>(value: T): ObjectRef<T> {
  return requireState('put()').core.put(value);
}

/** Options of {@link wait}. */
export interface WaitOptions {
  /** How many refs to wait for. @default 1 */
  numReturns?: number;
  /** Milliseconds to wait at most. @default forever */
  timeout?: number;
  /** Also fetch the values to this node (always true on one node). @default true */
  fetchLocal?: boolean;
}

/** Waits until `numReturns` refs are ready (or the timeout passes); returns `[ready, notReady]`, each in input order. */
export async function wait<T>(refs: ObjectRef<T>[], options: WaitOptions = {}): Promise<[ObjectRef<T>[], ObjectRef<T>[]]> {
  const st = requireState('wait()');
  checkKeys('wait() options', options, new Set(['numReturns', 'timeout', 'fetchLocal']));
  if (!Array.isArray(refs)) throw new TypeError('wait() expects an array of ObjectRefs');
  const numReturns = options.numReturns ?? 1;
  if (!Number.isInteger(numReturns) || numReturns < 1) throw new RangeError(`wait() options.numReturns must be an integer >= 1, got ${numReturns}`);
  if (numReturns > refs.length) throw new RangeError(`wait() options.numReturns (${numReturns}) is more than the number of refs (${refs.length})`);
  const ids = refs.map((r) => checkRef(r, 'wait()').id);
  if (new Set(ids).size !== ids.length) throw new TypeError('wait() got the same ref twice');
  const readyIds = new Set(await st.core.wait(ids, numReturns, timeoutMs('wait() options', options.timeout), options.fetchLocal !== false));
  return [refs.filter((r) => readyIds.has(r.id)), refs.filter((r) => !readyIds.has(r.id))];
}

/** Options of {@link cancel}. */
export interface CancelOptions {
  /** Kill the worker running the task (not for actor calls). @default false */
  force?: boolean;
  /** Also cancel the tasks this task submitted. @default true */
  recursive?: boolean;
}

/** Cancels the task that makes `ref`: a queued task never runs; a running task's signal is aborted (or, with force, its worker is killed). `get` then throws TaskCancelledError. */
export function cancel(ref: ObjectRef<unknown> | ObjectRefGenerator<unknown>, options: CancelOptions = {}): void {
  const st = requireState('cancel()');
  checkKeys('cancel() options', options, new Set(['force', 'recursive']));
  const id = ref instanceof ObjectRefGenerator ? `${ref.taskId}~0` : checkRef(ref, 'cancel()').id;
  if (ref instanceof ObjectRefGenerator) ref.markCancelled(); // dropped later, it is not cancelled again
  st.core.client.cancel(id, !!options.force, options.recursive ?? true);
}

/** Kills an actor. With `noRestart: false` it restarts per its maxRestarts. */
export function kill(actor: ActorHandle<unknown>, options: { noRestart?: boolean } = {}): void {
  const st = requireState('kill()');
  checkKeys('kill() options', options, new Set(['noRestart']));
  const d = handleData(actor);
  if (!d) throw new TypeError('kill() expects an actor handle');
  st.core.client.kill(d.actorId, options.noRestart ?? true);
}

/** Finds a named actor. Throws ActorNotFoundError when none is alive. */
export async function getActor<T = any>(name: string, options: { namespace?: string } = {}): Promise<ActorHandle<T>> {
  const st = requireState('getActor()');
  checkKeys('getActor() options', options, new Set(['namespace']));
  if (typeof name !== 'string' || !name) throw new TypeError('getActor() name must be a non-empty string');
  const ns = options.namespace ?? st.core.currentNamespace();
  const a = await st.core.client.getActor(ns, name);
  if (!a) throw new ActorNotFoundError(name, ns);
  return makeActorHandle<T>({ actorId: a.actorId, cls: a.cls, methods: a.methods, streaming: a.streaming, name: a.name });
}

/** Resources free now, by name. */
export async function availableResources(): Promise<ResourceMap> {
  return (await requireState('availableResources()').core.client.resources()).available;
}

/** Resources of the whole cluster, by name. */
export async function clusterResources(): Promise<ResourceMap> {
  return (await requireState('clusterResources()').core.client.resources()).total;
}

/** Frees objects now, even if refs to them remain (those refs then raise ObjectFreedError). */
export function free(refs: ObjectRef<unknown> | ObjectRef<unknown>[]): void {
  const st = requireState('free()');
  const list = Array.isArray(refs) ? refs : [refs];
  st.core.client.free(list.map((r) => checkRef(r, 'free()').id));
}

/**
 * True when `meta` (pass `import.meta`) belongs to the program's entry module in the
 * driver; false in workers. Guard driver code with it in a module that also defines
 * remote functions: `if (ray.isMain(import.meta)) { await ray.init(); ... }`.
 */
export function isMain(meta: { url: string }): boolean {
  if (isWorkerProcess()) return false;
  const entry = process.argv[1];
  if (!entry) return false;
  const candidates = [entry, `${entry}.ts`, `${entry}.js`, `${entry}.mjs`, `${entry}.mts`];
  for (const c of candidates) {
    const p = resolvePath(c);
    if (!existsSync(p)) continue;
    let real = p;
    try {
      real = realpathSync(p);
    } catch {
      /* keep p */
    }
    let metaPath: string;
    try {
      metaPath = realpathSync(fileURLToPath(meta.url));
    } catch {
      return meta.url === pathToFileURL(real).href;
    }
    return metaPath === real;
  }
  return false;
}

