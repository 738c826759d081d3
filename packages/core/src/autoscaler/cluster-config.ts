/**
 * The cluster config file of `ray-ts up` / `ray-ts down` and `ray-ts start --head
 * --autoscaling-config` (Ray's cluster YAML, in camelCase):
 *
 * ```yaml
 * clusterName: demo
 * provider: { type: local }
 * headNode: { resources: { CPU: 0 } }
 * availableNodeTypes:
 *   cpu2: { resources: { CPU: 2 }, minWorkers: 0, maxWorkers: 4 }
 * idleTimeoutS: 60
 * ```
 *
 * {@link resolveClusterConfig} checks every field once and returns a frozen, complete
 * config; a bad field throws a TypeError/RangeError naming it.
 */
import { readFileSync } from 'node:fs';
import type { ResourceMap } from '../transport/protocol.js';
import type { NodeTypeConfig } from './autoscaler-types.js';

/** `provider` of a local cluster: nodes are processes on this machine. */
export interface LocalProviderConfig {
  type: 'local';
  /** Object store bytes of each launched node. @default the node's default (a share of RAM) */
  objectStoreMemory?: number;
}

/** `provider` of a cluster on Kubernetes: worker nodes are Pods the autoscaler creates and deletes. */
export interface KubernetesProviderConfig {
  type: 'kubernetes';
  /** Namespace of the worker Pods. @default 'ray-ts' */
  namespace: string;
  /** Container image of the worker Pods. @default 'ray-ts:latest' */
  image: string;
  /** `host:port` workers join (the head Service). @default 'ray-ts-head:6380' */
  headAddress: string;
  /** API server URL. @default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT */
  apiServer?: string;
  /** Bearer token file. @default /var/run/secrets/kubernetes.io/serviceaccount/token */
  tokenFile?: string;
  /** CA bundle of the API server. @default /var/run/secrets/kubernetes.io/serviceaccount/ca.crt */
  caFile?: string;
  /** Secret holding the cluster token (key `token`), passed to workers as RAY_TS_CLUSTER_TOKEN (minimal Pods only). @default 'ray-ts-cluster-token' */
  tokenSecret: string;
  /** Worker Deployment whose Pod template the worker Pods copy ('' for a minimal Pod from `image`). @default 'ray-ts-worker' */
  workerTemplate: string;
}

/** The cluster config. */
export interface ClusterConfig {
  clusterName: string;
  provider: LocalProviderConfig | KubernetesProviderConfig;
  /** The head node's resources. @default { CPU: <all cores> } */
  headNode: { resources?: ResourceMap };
  /** Worker node types the autoscaler may launch. */
  availableNodeTypes: Record<string, NodeTypeConfig>;
  /** A worker idle this long is removed (down to minWorkers). @default 300 */
  idleTimeoutS: number;
  /** Pending launches may be this multiple of running workers (at least 5). @default 1 */
  upscalingSpeed: number;
  /** Most worker nodes in all. @default no limit beyond the per-type ones */
  maxWorkers?: number;
  /** Seconds between autoscaler rounds. @default 1 */
  updateIntervalS: number;
  /** A launched node that has not joined after this long is terminated. @default 120 */
  launchTimeoutS: number;
}

const TOP = new Set(['clusterName', 'provider', 'headNode', 'availableNodeTypes', 'idleTimeoutS', 'upscalingSpeed', 'maxWorkers', 'updateIntervalS', 'launchTimeoutS']);

function obj(v: unknown, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${field} must be a mapping`);
  return v as Record<string, unknown>;
}

function keys(o: Record<string, unknown>, allowed: Set<string>, where: string): void {
  for (const k of Object.keys(o)) if (!allowed.has(k)) throw new TypeError(`${where}.${k} is not a known field (known: ${[...allowed].join(', ')})`);
}

function num(v: unknown, field: string, min: number, def?: number, integer = false): number {
  if (v === undefined && def !== undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${field} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function str(v: unknown, field: string, def?: string): string {
  if (v === undefined && def !== undefined) return def;
  if (typeof v !== 'string' || !v) throw new TypeError(`${field} must be a non-empty string`);
  return v;
}

function resources(v: unknown, field: string): ResourceMap {
  const o = obj(v, field);
  const out: ResourceMap = {};
  for (const [k, x] of Object.entries(o)) out[k] = num(x, `${field}.${k}`, 0);
  return out;
}

function provider(v: unknown): ClusterConfig['provider'] {
  const o = obj(v, 'provider');
  const type = o.type;
  if (type === 'local') {
    keys(o, new Set(['type', 'objectStoreMemory']), 'provider');
    return Object.freeze({ type, ...(o.objectStoreMemory !== undefined ? { objectStoreMemory: num(o.objectStoreMemory, 'provider.objectStoreMemory', 1, undefined, true) } : {}) });
  }
  if (type === 'kubernetes') {
    keys(o, new Set(['type', 'namespace', 'image', 'headAddress', 'apiServer', 'tokenFile', 'caFile', 'tokenSecret', 'workerTemplate']), 'provider');
    const opt = (k: string) => (o[k] === undefined ? {} : { [k]: str(o[k], `provider.${k}`) });
    return Object.freeze({
      type,
      namespace: str(o.namespace, 'provider.namespace', 'ray-ts'),
      image: str(o.image, 'provider.image', 'ray-ts:latest'),
      headAddress: str(o.headAddress, 'provider.headAddress', 'ray-ts-head:6380'),
      tokenSecret: str(o.tokenSecret, 'provider.tokenSecret', 'ray-ts-cluster-token'),
      workerTemplate: o.workerTemplate === '' ? '' : str(o.workerTemplate, 'provider.workerTemplate', 'ray-ts-worker'),
      ...opt('apiServer'), ...opt('tokenFile'), ...opt('caFile'),
    });
  }
  throw new TypeError(`provider.type must be 'local' or 'kubernetes', got ${JSON.stringify(type)}`);
}

/** Checks a parsed config and fills defaults; `file` names the source in errors. */
export function resolveClusterConfig(raw: unknown, file = 'cluster config'): Readonly<ClusterConfig> {
  const o = obj(raw, file);
  keys(o, TOP, file);
  const clusterName = str(o.clusterName, 'clusterName');
  if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(clusterName)) throw new TypeError(`clusterName must be lowercase letters, digits and '-' (at most 40), got '${clusterName}'`);
  const head = o.headNode === undefined ? {} : obj(o.headNode, 'headNode');
  keys(head, new Set(['resources']), 'headNode');
  const typesRaw = obj(o.availableNodeTypes, 'availableNodeTypes');
  if (!Object.keys(typesRaw).length) throw new TypeError('availableNodeTypes must name at least one node type');
  const availableNodeTypes: Record<string, NodeTypeConfig> = {};
  for (const [name, t] of Object.entries(typesRaw)) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) throw new TypeError(`availableNodeTypes.${name}: a type name must be lowercase letters, digits and '-'`);
    const where = `availableNodeTypes.${name}`;
    const to = obj(t, where);
    keys(to, new Set(['resources', 'minWorkers', 'maxWorkers']), where);
    const res = resources(to.resources, `${where}.resources`);
    if (!Object.values(res).some((v) => v > 0)) throw new TypeError(`${where}.resources must offer some resource, e.g. { CPU: 2 }`);
    const minWorkers = num(to.minWorkers, `${where}.minWorkers`, 0, 0, true);
    const maxWorkers = num(to.maxWorkers, `${where}.maxWorkers`, 0, undefined, true);
    if (maxWorkers < minWorkers) throw new RangeError(`${where}.maxWorkers (${maxWorkers}) must be >= minWorkers (${minWorkers})`);
    availableNodeTypes[name] = Object.freeze({ resources: Object.freeze(res), minWorkers, maxWorkers });
  }
  return Object.freeze({
    clusterName,
    provider: provider(o.provider),
    headNode: Object.freeze(head.resources === undefined ? {} : { resources: Object.freeze(resources(head.resources, 'headNode.resources')) }),
    availableNodeTypes: Object.freeze(availableNodeTypes),
    idleTimeoutS: num(o.idleTimeoutS, 'idleTimeoutS', 0, 300),
    upscalingSpeed: num(o.upscalingSpeed, 'upscalingSpeed', 0, 1),
    ...(o.maxWorkers !== undefined ? { maxWorkers: num(o.maxWorkers, 'maxWorkers', 0, undefined, true) } : {}),
    updateIntervalS: num(o.updateIntervalS, 'updateIntervalS', 0.05, 1),
    launchTimeoutS: num(o.launchTimeoutS, 'launchTimeoutS', 1, 120),
  });
}

/** Reads and checks a cluster config file: YAML (the `yaml` package) or JSON (`.json`). */
export async function loadClusterConfig(file: string): Promise<Readonly<ClusterConfig>> {
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  if (/\.json$/i.test(file)) raw = JSON.parse(text);
  else {
    let yaml: { parse(s: string): unknown };
    try {
      yaml = (await import('yaml')) as { parse(s: string): unknown };
    } catch (err) {
      throw new TypeError(`Reading ${file} needs the 'yaml' package, or write the config as JSON (cluster.json).`, { cause: err });
    }
    raw = yaml.parse(text);
  }
  return resolveClusterConfig(raw, file);
}
