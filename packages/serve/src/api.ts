/**
 * `serve.run`, `serve.status`, `serve.delete`, `serve.shutdown`: the driver's side. Each
 * talks to the controller actor (detached, named `SERVE_CONTROLLER_ACTOR` in namespace
 * `serve`), which owns the replicas and the HTTP proxy actor.
 */
import * as ray from '@ray-ts/core';
import { Application, type Deployment } from './deployment.js';
import { getDeploymentHandle, type DeploymentHandle } from './handle.js';
import { resolveRunOptions, type ResolvedRunOptions, type RunOptions } from './options.js';
import type { AppSpec, DeploymentSpec, ServeStatus } from './internal/app-spec.js';
import { CONTROLLER_NAME, SERVE_NAMESPACE } from './internal/constants.js';
import { Controller, type ControllerActor } from './internal/controller-actor.js';
import { clearRouters } from './internal/router.js';
import { ServeError } from './errors.js';

function controller(): ray.ActorHandle<ControllerActor> {
  return Controller.options({ name: CONTROLLER_NAME, namespace: SERVE_NAMESPACE, lifetime: 'detached', getIfExists: true }).remote();
}

async function existingController(): Promise<ray.ActorHandle<ControllerActor> | undefined> {
  if (!ray.isInitialized()) return undefined;
  try {
    return await ray.getActor<ControllerActor>(CONTROLLER_NAME, { namespace: SERVE_NAMESPACE });
  } catch (err) {
    if (err instanceof ray.ActorNotFoundError) return undefined;
    throw err;
  }
}

/** A Serve error the controller threw reaches the caller as itself, not wrapped in RayTaskError. */
async function fromController<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw err instanceof ray.RayTaskError && err.cause instanceof ServeError ? err.cause : err;
  }
}

/** Flattens an application graph into deployment specs (bound apps become handles). */
function collect(app: Application, appName: string): { ingress: string; deployments: DeploymentSpec[] } {
  const seen = new Map<string, { dep: Deployment; spec?: DeploymentSpec }>();
  const visit = (a: Application): string => {
    const dep = a.deployment;
    const prior = seen.get(dep.name);
    if (prior) {
      if (prior.dep !== dep) throw new TypeError(`Two different deployments are named '${dep.name}' in application '${appName}'; give one a distinct name (deployment(Cls, { name })).`);
      return dep.name;
    }
    const entry: { dep: Deployment; spec?: DeploymentSpec } = { dep };
    seen.set(dep.name, entry);
    const args = a.args.map((x) => (x instanceof Application ? getDeploymentHandle(visit(x), appName) : x));
    entry.spec = { name: dep.name, definition: dep.definition, methods: [...dep.methods], options: dep.options, args };
    return dep.name;
  };
  const ingress = visit(app);
  return { ingress, deployments: [...seen.values()].map((e) => e.spec!) };
}

/**
 * Deploys an application: starts the controller (once), the replicas of every deployment
 * in the graph and, unless `routePrefix` is null, the HTTP proxy actor; resolves to a
 * handle to the ingress deployment once every replica is ready. Running an application of
 * the same name again replaces it. Options are checked synchronously (TypeError/RangeError).
 */
export function run<T>(app: Application<T>, options?: RunOptions): Promise<DeploymentHandle<T>> {
  if (!(app instanceof Application)) throw new TypeError('serve.run(app): app must be an Application (deployment.bind(...))');
  return deployApplication(app, resolveRunOptions(options));
}

/**
 * Deploys a checked application. With a `codeVersion` equal to the running version's, an
 * update that changes only lightweight options (numReplicas, autoscalingConfig, userConfig,
 * maxOngoingRequests, maxQueuedRequests) is applied to the running replicas in place. @internal
 */
export function deployApplication<T>(app: Application<T>, o: ResolvedRunOptions, codeVersion?: string): Promise<DeploymentHandle<T>> {
  const graph = collect(app, o.name);
  const spec: AppSpec = {
    name: o.name, routePrefix: o.routePrefix, ingress: graph.ingress, requestTimeoutS: o.requestTimeoutS,
    readyTimeoutMs: o.readyTimeoutMs, deployments: graph.deployments, codeVersion,
  };
  return (async () => {
    const c = controller();
    if (o.routePrefix !== null) await fromController(ray.get(c.ensureProxy.remote(o.host, o.port, o.proxyLocation)));
    clearRouters(o.name);
    await fromController(ray.get(c.deployApp.remote(spec)));
    return getDeploymentHandle<T>(graph.ingress, o.name);
  })();
}

/** Applications, deployments, replica counts and the proxy's address. */
export async function status(): Promise<ServeStatus> {
  const c = await existingController();
  if (!c) return { applications: {} };
  return await ray.get(c.status.remote());
}

/** Deletes an application (its replicas and route). Resolves false if there was none. */
export async function deleteApp(name: string): Promise<boolean> {
  if (typeof name !== 'string' || !name) throw new TypeError('serve.delete(name): name must be a non-empty string');
  const c = await existingController();
  clearRouters(name);
  if (!c) return false;
  return await ray.get(c.deleteApp.remote(name));
}

/** Stops every application, the HTTP proxies (freeing their ports) and the controller; resolves once the controller is gone. */
export async function shutdown(): Promise<void> {
  const c = await existingController();
  clearRouters();
  if (!c) return;
  await ray.get(c.shutdown.remote());
  ray.kill(c);
  // On a cluster the kill reaches the head a little later: wait until the name is free, so a
  // serve.run right after this starts a new controller instead of finding the dying one.
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    if (!(await existingController().catch(() => undefined))) return;
  }
}
