/** Names shared by Serve's actors. */

/** Namespace of Serve's named actors. */
export const SERVE_NAMESPACE = 'serve';
/** Name of the controller actor. */
export const CONTROLLER_NAME = 'SERVE_CONTROLLER_ACTOR';
/** Name of the HTTP proxy actor. */
export const PROXY_NAME = 'SERVE_PROXY_ACTOR';
/** Name of a replica actor. */
export function replicaActorName(app: string, deployment: string, id: string): string {
  return `SERVE_REPLICA::${app}#${deployment}#${id}`;
}
/** Milliseconds between control-loop passes (health checks, autoscaling). */
export const CONTROL_LOOP_MS = Number(process.env.RAY_TS_SERVE_CONTROL_LOOP_MS ?? 200);
/** Milliseconds after which a handle asks the controller for the replica list again. */
export const HANDLE_REFRESH_MS = Number(process.env.RAY_TS_SERVE_HANDLE_REFRESH_MS ?? 1000);
/** HTTP header naming the multiplexed model of a request (Ray's). */
export const MULTIPLEXED_MODEL_ID_HEADER = 'serve_multiplexed_model_id';
/** Milliseconds between a handle's reports of its queued requests to the controller (while any are queued). */
export const HANDLE_METRICS_REPORT_MS = Number(process.env.RAY_TS_SERVE_HANDLE_METRICS_REPORT_MS ?? 250);
