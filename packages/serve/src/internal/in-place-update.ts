/**
 * In-place ("lightweight") updates, as Ray Serve does them: when a redeployed application
 * has the same code version, graph, constructor args and actor options, and only
 * numReplicas, autoscalingConfig, userConfig, maxOngoingRequests or maxQueuedRequests
 * changed, the running replicas are kept — `reconfigure(userConfig)` is called on each,
 * and the control loop adds or removes replicas to the new target.
 */
import type { AppSpec, DeploymentSpec } from './app-spec.js';

/** Stable text of a value for comparison (undefined when it cannot be serialized). */
function text(v: unknown): string | undefined {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return undefined;
  }
}

/** True when two values serialize the same (false when either cannot be serialized). */
export function sameValue(a: unknown, b: unknown): boolean {
  const ta = text(a);
  return ta !== undefined && ta === text(b);
}

/** True when a deployment's code and "heavy" options are unchanged. */
function sameCode(a: DeploymentSpec, b: DeploymentSpec): boolean {
  return a.definition.module === b.definition.module && a.definition.key === b.definition.key
    && sameValue(a.args, b.args) && sameValue(a.options.rayActorOptions, b.options.rayActorOptions) && sameValue(a.methods, b.methods);
}

/** True when `next` may update the running application `old` in place. */
export function canUpdateInPlace(old: AppSpec, next: AppSpec): boolean {
  if (!next.codeVersion || old.codeVersion !== next.codeVersion) return false;
  if (old.ingress !== next.ingress || old.deployments.length !== next.deployments.length) return false;
  return next.deployments.every((d) => {
    const prev = old.deployments.find((x) => x.name === d.name);
    return prev !== undefined && sameCode(prev, d);
  });
}

/** What changed in one deployment, for the controller to act on. */
export interface LightweightChange {
  /** `reconfigure(userConfig)` must be called on the running replicas. */
  userConfig: boolean;
  /** The autoscaling config changed (a new policy is needed). */
  autoscaling: boolean;
}

/** The lightweight changes between two versions of a deployment. */
export function lightweightChange(prev: DeploymentSpec, next: DeploymentSpec): LightweightChange {
  return {
    userConfig: !sameValue(prev.options.userConfig, next.options.userConfig),
    autoscaling: !sameValue(prev.options.autoscalingConfig, next.options.autoscalingConfig),
  };
}
