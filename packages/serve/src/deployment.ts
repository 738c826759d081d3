/**
 * `serve.deployment(Class, options)` → a {@link Deployment}; `.bind(...args)` → an
 * {@link Application}, the graph `serve.run` deploys. Bound args that are other
 * applications become {@link DeploymentHandle}s in the constructor (composition).
 */
import { registerDeploymentClass, methodNamesOf, type DefinitionKey } from './internal/registry.js';
import { resolveDeploymentOptions, type DeploymentOptions, type ResolvedDeploymentOptions } from './options.js';
import type { DeploymentHandle } from './handle.js';

/** Any class. */
export type AnyClass = abstract new (...args: any[]) => any;

/** Constructor arguments for `bind`: each the value, or a bound deployment (it arrives as a DeploymentHandle). */
export type BindArgs<P extends unknown[]> = { [K in keyof P]: P[K] | (P[K] extends { readonly appName: string; readonly deploymentName: string } ? Application<any> : never) };

/** A class made a deployment; bind it to constructor arguments to get an application. */
export class Deployment<C extends AnyClass = AnyClass> {
  /** The user's class. */
  readonly cls: C;
  /** Resolved options. */
  readonly options: ResolvedDeploymentOptions;
  /** Where workers find the class. @internal */
  readonly definition: DefinitionKey;
  /** Public method names of the class. */
  readonly methods: readonly string[];

  /** @internal use {@link deployment}. */
  constructor(cls: C, options: ResolvedDeploymentOptions, definition: DefinitionKey) {
    this.cls = cls;
    this.options = options;
    this.definition = definition;
    this.methods = Object.freeze(methodNamesOf(cls));
  }

  /** The deployment's name. */
  get name(): string {
    return this.options.name;
  }

  /** An application: this deployment with its constructor arguments. */
  bind(...args: BindArgs<ConstructorParameters<C>>): Application<InstanceType<C>> {
    return new Application(this, args as unknown[]);
  }

  /**
   * A copy with some options changed. The copy is found in workers under the same class
   * definition, so it may be made anywhere (it is passed whole to the controller).
   */
  withOptions(options: DeploymentOptions): Deployment<C> {
    const merged = { ...this.raw(), ...options };
    return new Deployment(this.cls, resolveDeploymentOptions(merged, this.cls.name, `${this.cls.name}.withOptions()`), this.definition);
  }

  private raw(): DeploymentOptions {
    const o = this.options;
    return {
      name: o.name, numReplicas: o.numReplicas, maxOngoingRequests: o.maxOngoingRequests, maxQueuedRequests: o.maxQueuedRequests,
      rayActorOptions: { ...o.rayActorOptions }, autoscalingConfig: o.autoscalingConfig, userConfig: o.userConfig,
      streamBackpressureNumObjects: o.streamBackpressureNumObjects,
    };
  }
}

/** A deployment bound to its constructor arguments: what `serve.run` deploys. */
export class Application<T = unknown> {
  /** Phantom: the instance type of the ingress. */
  declare readonly __instance?: T;
  /** @internal */
  constructor(
    /** The ingress deployment. */
    readonly deployment: Deployment,
    /** Its constructor arguments (may contain other applications). */
    readonly args: readonly unknown[],
  ) {}
}

/**
 * Makes a class a deployment. Call it at the top level of an ES module (replica workers
 * import that module to find the class). Invalid options throw TypeError/RangeError naming
 * the field.
 */
export function deployment<C extends AnyClass>(cls: C, options?: DeploymentOptions): Deployment<C> {
  if (typeof cls !== 'function' || !/^class[\s{]/.test(Function.prototype.toString.call(cls))) {
    throw new TypeError('serve.deployment(cls): cls must be a class');
  }
  const resolved = resolveDeploymentOptions(options, cls.name, `serve.deployment(${cls.name}) options`);
  return new Deployment(cls, resolved, registerDeploymentClass(cls));
}
