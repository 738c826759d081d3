/**
 * A replica: an actor that holds one instance of a deployment's class and runs its calls,
 * counting the ongoing ones (the autoscaler reads that count). Async, so many calls run at
 * once; the handles' routers keep each replica within `maxOngoingRequests`.
 *
 * Streams: `handleStream` is a generator method (core streams its items). An HTTP call
 * whose method returns a stream (a generator or a `Response`) answers with a
 * {@link StreamMarker}; the proxy then pulls the chunks with `pullStream` on this replica.
 */
import * as ray from '@ray-ts/core';
import { randomBytes } from 'node:crypto';
import { RouteNotFoundError } from '../errors.js';
import { loadedModelIds } from '../multiplex.js';
import { ServeRequest, type RequestData } from '../request.js';
import { resolveDeploymentClass, type DefinitionKey } from './registry.js';
import { runInCallContext, type CallMeta } from './request-context.js';
import { encodeChunk, isStreamResult, pump, streamHead, type StreamHead } from './stream-result.js';
import '../handle.js'; // registers the DeploymentHandle serializer for constructor args

/** What the controller gives a replica. */
export interface ReplicaSpec {
  appName: string;
  deploymentName: string;
  replicaId: string;
  definition: DefinitionKey;
  /** Constructor arguments (bound deployments already replaced by handles). */
  args: unknown[];
  userConfig?: unknown;
}

/** What `handleRequest` returns for an HTTP call whose result streams. */
export interface StreamMarker {
  /** Id of the stream, for `pullStream`. */
  __serveStream: string;
  /** Status and headers of the HTTP response. */
  head: StreamHead;
}

/** True for a {@link StreamMarker}. */
export function isStreamMarker(v: unknown): v is StreamMarker {
  return typeof v === 'object' && v !== null && typeof (v as StreamMarker).__serveStream === 'string';
}

/** Load and health as the controller reads them. */
export interface ReplicaMetrics {
  /** Calls (and streams) running now. */
  ongoing: number;
  /** Calls so far. */
  total: number;
  /** Multiplexed models loaded. */
  modelIds: string[];
}

/** Methods a request may not call. */
const RESERVED = new Set(['constructor', 'init', 'reconfigure', 'checkHealth']);

/** Seconds a stream waits for the proxy to pull it before it is closed. */
const UNPULLED_STREAM_MS = 30_000;

interface PendingStream {
  value: unknown;
  meta: CallMeta | undefined;
  abort: AbortController;
  contentType: string | undefined;
  timer: NodeJS.Timeout;
}

/** Aborts `ctl` when `signal` does. */
function link(signal: AbortSignal | undefined, ctl: AbortController): () => void {
  if (!signal) return () => undefined;
  const f = (): void => ctl.abort(signal.reason);
  if (signal.aborted) f();
  else signal.addEventListener('abort', f, { once: true });
  return () => signal.removeEventListener('abort', f);
}

/** The replica actor class. */
export class ReplicaActor {
  private instance: Record<string, unknown> | undefined;
  private starting: Promise<void> | undefined;
  private ongoing = 0;
  private total = 0;
  private readonly streams = new Map<string, PendingStream>();

  constructor(private readonly spec: ReplicaSpec) {}

  /** Constructs the user's instance (and runs its `init()` and `reconfigure(userConfig)`). */
  async ready(): Promise<string> {
    this.starting ??= (async () => {
      const Cls = await resolveDeploymentClass(this.spec.definition);
      const inst = new Cls(...this.spec.args) as Record<string, unknown>;
      if (typeof inst.init === 'function') await (inst.init as () => unknown).call(inst);
      if (this.spec.userConfig !== undefined && typeof inst.reconfigure === 'function') {
        await (inst.reconfigure as (c: unknown) => unknown).call(inst, this.spec.userConfig);
      }
      this.instance = inst;
    })();
    await this.starting;
    return this.spec.replicaId;
  }

  /** In-place update: calls the instance's `reconfigure(userConfig)` without restarting it. */
  async reconfigure(userConfig: unknown): Promise<void> {
    await this.ready();
    const inst = this.instance!;
    if (typeof inst.reconfigure === 'function') await (inst.reconfigure as (c: unknown) => unknown).call(inst, userConfig);
  }

  /** Runs one call; with `http` the first argument is request data made into a ServeRequest. */
  async handleRequest(method: string, args: unknown[], http: boolean, meta?: CallMeta): Promise<unknown> {
    this.ongoing++;
    this.total++;
    const abort = new AbortController();
    const unlink = link(ray.getRuntimeContext().signal, abort);
    let streaming = false;
    try {
      const result = await this.invoke(method, args, http, meta, abort.signal);
      if (!isStreamResult(result)) return result;
      if (!http) throw new TypeError(`${this.spec.deploymentName}.${method} returned a stream; call it with handle.${method}.options({ stream: true }).remote(...).`);
      const head = streamHead(result, (args[0] as RequestData).headers);
      const id = randomBytes(8).toString('hex');
      const timer = setTimeout(() => this.dropStream(id), UNPULLED_STREAM_MS);
      this.streams.set(id, { value: result, meta, abort, contentType: head.headers['content-type'], timer });
      streaming = true;
      return { __serveStream: id, head } satisfies StreamMarker;
    } finally {
      unlink();
      if (!streaming) this.ongoing--;
    }
  }

  /** Chunks of a stream announced by `handleRequest` (HTTP: encoded as bytes or text). */
  async *pullStream(id: string): AsyncGenerator<unknown, void, undefined> {
    const s = this.streams.get(id);
    if (!s) throw new RouteNotFoundError(`Stream ${id} of '${this.spec.deploymentName}' is gone (not pulled within ${UNPULLED_STREAM_MS} ms).`);
    this.streams.delete(id);
    clearTimeout(s.timer);
    const unlink = link(ray.getRuntimeContext().signal, s.abort);
    try {
      for await (const chunk of pump(s.value, s.abort.signal, (f) => runInCallContext(s.meta, f))) yield encodeChunk(chunk, s.contentType);
    } finally {
      unlink();
      this.ongoing--;
    }
  }

  /** Runs a call whose result streams (handle `stream: true`): yields its items. */
  async *handleStream(method: string, args: unknown[], http: boolean, meta?: CallMeta): AsyncGenerator<unknown, void, undefined> {
    this.ongoing++;
    this.total++;
    const abort = new AbortController();
    const unlink = link(ray.getRuntimeContext().signal, abort);
    try {
      const result = await this.invoke(method, args, http, meta, abort.signal);
      if (!isStreamResult(result)) throw new TypeError(`${this.spec.deploymentName}.${method} did not return a generator (or an async iterable or a Response); call it without stream: true.`);
      yield* pump(result, abort.signal, (f) => runInCallContext(meta, f));
    } finally {
      unlink();
      this.ongoing--;
    }
  }

  /** Health and load: ongoing calls now, calls so far, loaded models, and the user's `checkHealth()` if any. */
  async getMetrics(): Promise<ReplicaMetrics> {
    const inst = this.instance;
    if (inst && typeof inst.checkHealth === 'function') await (inst.checkHealth as () => unknown).call(inst);
    return { ongoing: this.ongoing, total: this.total, modelIds: inst ? loadedModelIds(inst) : [] };
  }

  /** The worker's pid (for tests and status). */
  async pid(): Promise<number> {
    return process.pid;
  }

  private async invoke(method: string, args: unknown[], http: boolean, meta: CallMeta | undefined, signal: AbortSignal): Promise<unknown> {
    if (!this.instance) await this.ready();
    const inst = this.instance!;
    const fn = inst[method];
    if (typeof fn !== 'function' || RESERVED.has(method) || (http && method.startsWith('_') && method !== '__call__')) {
      throw new RouteNotFoundError(`Deployment '${this.spec.deploymentName}' has no method '${method}'.`);
    }
    const callArgs = http ? [new ServeRequest(args[0] as RequestData, signal), ...args.slice(1)] : args;
    return await runInCallContext(meta, () => (fn as (...a: unknown[]) => unknown).apply(inst, callArgs));
  }

  /** Closes a stream that will not be pulled (its caller gave up before it started). */
  async closeStream(id: string): Promise<void> {
    this.dropStream(id);
  }

  private dropStream(id: string): void {
    const s = this.streams.get(id);
    if (!s) return;
    this.streams.delete(id);
    clearTimeout(s.timer);
    this.ongoing--;
    s.abort.abort();
    void pump(s.value, s.abort.signal).next().catch(() => undefined); // sees the abort at once and closes the source
  }
}

/** The replica actor class made remote. */
export const Replica = ray.remote(ReplicaActor);
