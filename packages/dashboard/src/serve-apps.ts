/**
 * Serve applications as seen from the actor table. Core knows nothing of Serve (Serve is
 * a library on top of core), and Serve's status lives in its controller actor, reachable
 * only through an actor call. So the page reads what core does show: Serve's actors are
 * named in namespace `serve` — `SERVE_CONTROLLER_ACTOR`, `SERVE_PROXY_ACTOR`, and one
 * `SERVE_REPLICA::<app>#<deployment>#<id>` per replica — and their states.
 */
import type { ActorRow } from './api-types.js';

/** Namespace of Serve's named actors (as in `@ray-ts/serve`). */
export const SERVE_NAMESPACE = 'serve';
const CONTROLLER = 'SERVE_CONTROLLER_ACTOR';
const PROXY = 'SERVE_PROXY_ACTOR';
const REPLICA = /^SERVE_REPLICA::(.*)#([^#]*)#([^#]*)$/;

/** One deployment and its replica actors. */
export interface ServeDeploymentView {
  name: string;
  replicas: ActorRow[];
  /** Replica actors by state. */
  stateCounts: Partial<Record<ActorRow['state'], number>>;
}

/** One application. */
export interface ServeAppView {
  name: string;
  deployments: ServeDeploymentView[];
}

/** What the actor table says of Serve. */
export interface ServeView {
  controller?: ActorRow;
  proxy?: ActorRow;
  apps: ServeAppView[];
}

/** Groups Serve's actors into applications and deployments (sorted by name); DEAD actors left by a shutdown count only while a live controller exists. */
export function serveView(actors: readonly ActorRow[]): ServeView {
  const mine = actors.filter((a) => a.namespace === SERVE_NAMESPACE && a.name);
  const pick = (name: string) => {
    const all = mine.filter((a) => a.name === name);
    return all.find((a) => a.state !== 'DEAD') ?? all[0];
  };
  const out: ServeView = { controller: pick(CONTROLLER), proxy: pick(PROXY), apps: [] };
  if (!out.controller || out.controller.state === 'DEAD') return out;
  const apps = new Map<string, Map<string, ServeDeploymentView>>();
  for (const a of mine) {
    const m = REPLICA.exec(a.name!);
    if (!m) continue;
    const deployments = apps.get(m[1]!) ?? new Map<string, ServeDeploymentView>();
    apps.set(m[1]!, deployments);
    const d = deployments.get(m[2]!) ?? { name: m[2]!, replicas: [], stateCounts: {} };
    deployments.set(m[2]!, d);
    d.replicas.push(a);
    d.stateCounts[a.state] = (d.stateCounts[a.state] ?? 0) + 1;
  }
  out.apps = [...apps.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, ds]) => ({ name, deployments: [...ds.values()].sort((a, b) => a.name.localeCompare(b.name)) }));
  return out;
}
