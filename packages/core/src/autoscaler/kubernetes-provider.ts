/**
 * The `kubernetes` node provider: each worker node is a Pod the autoscaler creates and
 * deletes through the Kubernetes API (`/api/v1/namespaces/<ns>/pods`), like KubeRay's
 * autoscaler does. Pods, not a Deployment's replica count: scaling a Deployment down
 * removes a Pod of Kubernetes' choosing, and the autoscaler must remove the idle one.
 *
 * Written against the REST API with node:https rather than @kubernetes/client-node: the
 * provider makes three calls, and node:https takes the in-cluster CA bundle directly
 * (fetch would need an undici dispatcher for that). In a Pod it uses the service
 * account's token and CA; `apiServer` (e.g. `http://127.0.0.1:8001` of `kubectl proxy`)
 * overrides the address.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import type { KubernetesProviderConfig } from './cluster-config.js';
import type { LaunchSpec, NodeProvider, ProviderNode } from './node-provider.js';
import { NODE_TYPE_LABEL, PROVIDER_ID_LABEL } from './node-provider.js';
import { RayError } from '../errors.js';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Pod label naming the cluster. */
export const CLUSTER_LABEL = 'ray-ts.io/cluster';
/** `app.kubernetes.io/component` of the Pods the autoscaler creates. */
const COMPONENT = 'autoscaled-worker';

/** A Kubernetes API call failed. */
export class KubernetesApiError extends RayError {
  override readonly code = 'KUBERNETES_API_ERROR';
  constructor(readonly method: string, readonly path: string, readonly status: number, body: string) {
    super(`Kubernetes API ${method} ${path} answered ${status}: ${body.slice(0, 300)}. Check the autoscaler's RBAC (deploy/kubernetes/autoscaler-rbac.yaml) and provider settings.`);
  }
}

/** Options of a {@link KubernetesNodeProvider}. */
export type KubernetesProviderOptions = KubernetesProviderConfig & { clusterName: string };

/** Worker nodes as Pods. */
export class KubernetesNodeProvider implements NodeProvider {
  readonly name = 'kubernetes';
  private readonly base: URL;
  private template?: any;

  constructor(private readonly opts: KubernetesProviderOptions) {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
    const server = opts.apiServer ?? (host ? `https://${host.includes(':') ? `[${host}]` : host}:${port}` : undefined);
    if (!server) throw new TypeError('provider.apiServer is needed outside a Kubernetes Pod (no KUBERNETES_SERVICE_HOST)');
    this.base = new URL(server);
  }

  private async call(method: string, path: string, body?: unknown): Promise<any> {
    let token: string | undefined;
    try {
      token = readFileSync(this.opts.tokenFile ?? `${SA}/token`, 'utf8').trim();
    } catch {
      /* no token (kubectl proxy) */
    }
    const url = new URL(path, this.base);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (data) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(data.length);
    }
    const https = url.protocol === 'https:';
    let ca: Buffer | undefined;
    if (https) {
      try {
        ca = readFileSync(this.opts.caFile ?? `${SA}/ca.crt`);
      } catch {
        /* system CAs */
      }
    }
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, { method, headers, ...(ca ? { ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status === 404 && method === 'DELETE') return resolve(undefined);
          if (status < 200 || status >= 300) return reject(new KubernetesApiError(method, path, status, text));
          try {
            resolve(text ? JSON.parse(text) : undefined);
          } catch (err) {
            reject(err);
          }
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`Kubernetes API ${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  private podsPath(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/pods`;
  }

  /**
   * The Pod manifest of a worker node: the worker Deployment's Pod template (its image,
   * /dev/shm volume, probes, security settings, preStop) with this node's name, labels and
   * resources; without a template, a minimal Pod.
   */
  async podFor(name: string, spec: LaunchSpec): Promise<Record<string, unknown>> {
    const dep = this.opts.workerTemplate;
    if (!dep) return this.podManifest(name, spec);
    this.template ??= await this.call('GET', `/apis/apps/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/deployments/${encodeURIComponent(dep)}`)
      .then((d: any) => d?.spec?.template);
    if (!this.template?.spec?.containers?.length) throw new TypeError(`provider.workerTemplate: deployment '${dep}' has no Pod template`);
    return fromTemplate(structuredClone(this.template), name, spec, this.labels(spec), this.podLabels(spec));
  }

  private labels(spec: LaunchSpec, name?: string): Record<string, string> {
    return { ...spec.labels, ...(name ? { [PROVIDER_ID_LABEL]: name } : {}), [NODE_TYPE_LABEL]: spec.nodeType };
  }

  private podLabels(spec: LaunchSpec): Record<string, string> {
    // Not `component: worker`: the worker Deployment's ReplicaSet would adopt (and delete) Pods matching its selector.
    return { 'app.kubernetes.io/name': 'ray-ts', 'app.kubernetes.io/component': COMPONENT, 'app.kubernetes.io/part-of': 'ray-ts', [CLUSTER_LABEL]: this.opts.clusterName, [NODE_TYPE_LABEL]: spec.nodeType };
  }

  /** A minimal worker Pod (no template). */
  podManifest(name: string, spec: LaunchSpec): Record<string, unknown> {
    const { CPU, GPU, memory, ...rest } = spec.resources;
    const labels = { ...spec.labels, [PROVIDER_ID_LABEL]: name, [NODE_TYPE_LABEL]: spec.nodeType };
    const args = ['start', '--block', '--host', '0.0.0.0', '--node-ip-address', '$(POD_IP)', '--address', this.opts.headAddress, '--num-cpus', String(CPU ?? 0), '--labels', JSON.stringify(labels)];
    if (GPU) args.push('--num-gpus', String(GPU));
    if (Object.keys(rest).length) args.push('--resources', JSON.stringify(rest));
    const limits: Record<string, string> = {};
    if (CPU) limits.cpu = String(CPU);
    if (GPU) limits['nvidia.com/gpu'] = String(GPU);
    if (memory) limits.memory = String(Math.floor(memory));
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: this.opts.namespace,
        labels: this.podLabels(spec),
      },
      spec: {
        restartPolicy: 'Never',
        containers: [{
          name: 'ray-ts-worker',
          image: this.opts.image,
          command: ['ray-ts'],
          args,
          env: [
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'RAY_TS_CLUSTER_TOKEN', valueFrom: { secretKeyRef: { name: this.opts.tokenSecret, key: 'token' } } },
          ],
          ...(Object.keys(limits).length ? { resources: { requests: limits, limits } } : {}),
        }],
      },
    };
  }

  async createNode(spec: LaunchSpec, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${this.opts.clusterName}-worker-${spec.nodeType}-${randomBytes(3).toString('hex')}`.slice(0, 63);
      await this.call('POST', this.podsPath(), await this.podFor(name, spec));
      ids.push(name);
    }
    return ids;
  }

  async terminateNode(id: string): Promise<void> {
    await this.call('DELETE', `${this.podsPath()}/${encodeURIComponent(id)}`);
  }

  async nonTerminatedNodes(): Promise<ProviderNode[]> {
    const selector = encodeURIComponent(`${CLUSTER_LABEL}=${this.opts.clusterName},app.kubernetes.io/component=${COMPONENT}`);
    const list = await this.call('GET', `${this.podsPath()}?labelSelector=${selector}`);
    const out: ProviderNode[] = [];
    for (const pod of (list?.items ?? []) as any[]) {
      const phase = pod.status?.phase;
      if (pod.metadata?.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') continue;
      const labels = (pod.metadata?.labels ?? {}) as Record<string, string>;
      out.push({
        id: pod.metadata.name, nodeType: labels[NODE_TYPE_LABEL] ?? 'unknown', tags: labels,
        launchedAt: Date.parse(pod.metadata.creationTimestamp ?? '') || Date.now(),
      });
    }
    return out;
  }

  close(): void {}
}

/** Sets a flag's value in `args` (adding the flag when missing); undefined removes it. */
function setFlag(args: string[], flag: string, value: string | undefined): void {
  const i = args.indexOf(flag);
  if (i >= 0) args.splice(i, 2);
  if (value === undefined) return;
  const block = args.indexOf('--block');
  args.splice(block >= 0 ? block : args.length, 0, flag, value);
}

/** A worker Deployment's Pod template made into one worker node's Pod. */
function fromTemplate(template: any, name: string, spec: LaunchSpec, nodeLabels: Record<string, string>, podLabels: Record<string, string>): Record<string, unknown> {
  const { CPU, GPU, ...rest } = spec.resources;
  const c = template.spec.containers[0];
  const args: string[] = [...(c.args ?? [])].map(String);
  if (CPU !== undefined) setFlag(args, '--num-cpus', String(CPU));
  setFlag(args, '--num-gpus', GPU ? String(GPU) : undefined);
  // Custom resources of the type, on top of the template's (e.g. its schedulable memory).
  const i = args.indexOf('--resources');
  const base = i >= 0 ? (JSON.parse(args[i + 1]!) as Record<string, number>) : {};
  const merged = { ...base, ...rest };
  setFlag(args, '--resources', Object.keys(merged).length ? JSON.stringify(merged) : undefined);
  setFlag(args, '--labels', JSON.stringify({ ...nodeLabels, [PROVIDER_ID_LABEL]: name }));
  c.args = args;
  const limits = { ...(c.resources?.limits ?? {}) };
  const requests = { ...(c.resources?.requests ?? {}) };
  if (CPU) limits.cpu = requests.cpu = String(CPU);
  if (GPU) limits['nvidia.com/gpu'] = requests['nvidia.com/gpu'] = String(GPU);
  c.resources = { ...(c.resources ?? {}), limits, requests };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(template.metadata ?? {}), name, labels: { ...(template.metadata?.labels ?? {}), ...podLabels } },
    spec: { ...template.spec, restartPolicy: 'Never' },
  };
}
