/**
 * The declarative config (`serve.yaml`, Ray's Serve config file): HTTP options and
 * applications, each an import path and per-deployment overrides. Checked once here; a bad
 * field throws TypeError/RangeError naming it. Ray's snake_case keys are accepted too
 * (`route_prefix`, `import_path`, `num_replicas`, ...) outside `userConfig` and `args`.
 */
import type { DeploymentOptions } from '../options.js';
import { resolveDeploymentOptions, resolveRunOptions } from '../options.js';

/** HTTP options of the proxy (one proxy serves every application). */
export interface HttpOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 8000 */
  port?: number;
  /** Seconds a request may take before the proxy answers 408. @default 60 */
  requestTimeoutS?: number;
}

/** Overrides of one deployment's options (the lightweight ones update replicas in place). */
export type DeploymentOverride = Pick<DeploymentOptions, 'numReplicas' | 'maxOngoingRequests' | 'maxQueuedRequests' | 'autoscalingConfig' | 'userConfig' | 'rayActorOptions' | 'streamBackpressureNumObjects'> & {
  /** The deployment's name in the application. */
  name: string;
};

/** One application of the config. */
export interface AppConfig {
  /** Application name. @default 'default' */
  name?: string;
  /** HTTP route prefix, or null for none. @default '/' */
  routePrefix?: string | null;
  /** `<module path relative to the config file>:<export>`; the export is an Application, a Deployment (bound with no args) or a function `(args) => Application`. */
  importPath: string;
  /** Passed to the export when it is a builder function. @default {} */
  args?: Record<string, unknown>;
  /** Option overrides by deployment name. @default [] */
  deployments?: DeploymentOverride[];
}

/** A Serve config file. */
export interface ServeConfig {
  /** Proxy options. @default {} */
  httpOptions?: HttpOptions;
  /** Where HTTP proxies run (Ray's `proxy_location`): one per node, or on the head only. @default 'EveryNode' */
  proxyLocation?: 'EveryNode' | 'HeadOnly';
  /** Applications to run; any other running application is deleted by `deploy`. */
  applications: AppConfig[];
}

const TOP_KEYS = new Set(['httpOptions', 'proxyLocation', 'applications']);
const HTTP_KEYS = new Set(['host', 'port', 'requestTimeoutS']);
const APP_KEYS = new Set(['name', 'routePrefix', 'importPath', 'args', 'deployments']);
const DEP_KEYS = new Set(['name', 'numReplicas', 'maxOngoingRequests', 'maxQueuedRequests', 'autoscalingConfig', 'userConfig', 'rayActorOptions', 'streamBackpressureNumObjects']);
/** Keys whose values are the user's, never renamed. */
const OPAQUE = new Set(['userConfig', 'args', 'rayActorOptions']);

/** `route_prefix` → `routePrefix`, recursively, except inside user values. */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const ck = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()); // request_timeout_s → requestTimeoutS
    out[ck] = OPAQUE.has(ck) ? x : camelKeys(x);
  }
  return out;
}

function keysOf(where: string, o: unknown, keys: Set<string>): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new TypeError(`${where} must be an object`);
  for (const k of Object.keys(o)) if (!keys.has(k)) throw new TypeError(`${where}.${k} is not a config field; expected one of ${[...keys].join(', ')}`);
  return o as Record<string, unknown>;
}

/** Validates a parsed config (YAML or JSON); returns it with camelCase keys, frozen. */
export function resolveServeConfig(raw: unknown, where = 'serve config'): Readonly<ServeConfig> {
  const top = keysOf(where, camelKeys(raw), TOP_KEYS);
  const http = keysOf(`${where}.httpOptions`, top.httpOptions ?? {}, HTTP_KEYS) as HttpOptions;
  resolveRunOptions({ host: http.host, port: http.port, requestTimeoutS: http.requestTimeoutS }, `${where}.httpOptions`);
  const { proxyLocation } = resolveRunOptions({ proxyLocation: top.proxyLocation as ServeConfig['proxyLocation'] }, where);
  if (!Array.isArray(top.applications) || top.applications.length === 0) throw new TypeError(`${where}.applications must be a non-empty list`);
  const names = new Set<string>();
  const prefixes = new Set<string>();
  const applications = top.applications.map((a, i) => {
    const w = `${where}.applications[${i}]`;
    const app = keysOf(w, a, APP_KEYS) as unknown as AppConfig;
    if (typeof app.importPath !== 'string' || !/^.+:[A-Za-z_$][\w$]*$/.test(app.importPath)) {
      throw new TypeError(`${w}.importPath must be '<module path>:<export name>', e.g. './app.ts:app'`);
    }
    const run = resolveRunOptions({ name: app.name, routePrefix: app.routePrefix }, w);
    if (names.has(run.name)) throw new TypeError(`${w}.name '${run.name}' is used twice; give each application its own name`);
    names.add(run.name);
    if (run.routePrefix !== null) {
      if (prefixes.has(run.routePrefix)) throw new TypeError(`${w}.routePrefix '${run.routePrefix}' is used twice`);
      prefixes.add(run.routePrefix);
    }
    if (app.args !== undefined && (typeof app.args !== 'object' || app.args === null || Array.isArray(app.args))) throw new TypeError(`${w}.args must be an object`);
    if (app.deployments !== undefined && !Array.isArray(app.deployments)) throw new TypeError(`${w}.deployments must be a list`);
    const deployments = (app.deployments ?? []).map((d, j) => {
      const dw = `${w}.deployments[${j}]`;
      const o = keysOf(dw, d, DEP_KEYS) as unknown as DeploymentOverride;
      if (typeof o.name !== 'string' || !o.name) throw new TypeError(`${dw}.name must name a deployment of the application`);
      resolveDeploymentOptions(o, o.name, dw); // checks the fields
      return Object.freeze({ ...o });
    });
    return Object.freeze({ name: run.name, routePrefix: run.routePrefix, importPath: app.importPath, args: app.args ?? {}, deployments });
  });
  return Object.freeze({ httpOptions: Object.freeze({ ...http }), proxyLocation, applications });
}

/** Parses config text: YAML (needs the `yaml` package) or JSON. */
export async function parseServeConfig(text: string, file = 'serve config'): Promise<Readonly<ServeConfig>> {
  let raw: unknown;
  if (/\.json$/i.test(file)) raw = JSON.parse(text);
  else {
    let yaml: { parse(s: string): unknown };
    try {
      yaml = (await import('yaml')) as { parse(s: string): unknown };
    } catch (err) {
      throw new TypeError(`Reading ${file} needs the 'yaml' package (pnpm --filter @ray-ts/serve add yaml), or write the config as JSON.`, { cause: err });
    }
    raw = yaml.parse(text);
  }
  return resolveServeConfig(raw, file);
}
