/**
 * A replica: an actor that holds one instance of a deployment's class and runs its calls,
 * counting the ongoing ones (the autoscaler reads that count). Async, so many calls run at
 * once; the handles' routers keep each replica within `maxOngoingRequests`.
 */
import * as ray from '@ray-ts/core';
import { RouteNotFoundError } from '../errors.js';
import { ServeRequest, type RequestData } from '../request.js';
import { resolveDeploymentClass, type DefinitionKey } from './registry.js';
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

/** Methods a request may not call. */
const RESERVED = new Set(['constructor', 'init', 'reconfigure', 'checkHealth']);

/** The replica actor class. */
export class ReplicaActor {
  private instance: Record<string, unknown> | undefined;
  private starting: Promise<void> | undefined;
  private ongoing = 0;
  private total = 0;

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

  /** Runs one call; with `http` the first argument is request data made into a ServeRequest. */
  async handleRequest(method: string, args: unknown[], http: boolean): Promise<unknown> {
    this.ongoing++;
    this.total++;
    try {
      if (!this.instance) await this.ready();
      const inst = this.instance!;
      const fn = inst[method];
      if (typeof fn !== 'function' || RESERVED.has(method) || (http && method.startsWith('_') && method !== '__call__')) {
        throw new RouteNotFoundError(`Deployment '${this.spec.deploymentName}' has no method '${method}'.`);
      }
      const callArgs = http ? [new ServeRequest(args[0] as RequestData, ray.getRuntimeContext().signal), ...args.slice(1)] : args;
      return await (fn as (...a: unknown[]) => unknown).apply(inst, callArgs);
    } finally {
      this.ongoing--;
    }
  }

  /** Health and load: ongoing calls now, calls so far, and the user's `checkHealth()` if any. */
  async getMetrics(): Promise<{ ongoing: number; total: number }> {
    const inst = this.instance;
    if (inst && typeof inst.checkHealth === 'function') await (inst.checkHealth as () => unknown).call(inst);
    return { ongoing: this.ongoing, total: this.total };
  }

  /** The worker's pid (for tests and status). */
  async pid(): Promise<number> {
    return process.pid;
  }
}

/** The replica actor class made remote. */
export const Replica = ray.remote(ReplicaActor);
