import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { KubernetesApiError, KubernetesNodeProvider } from './kubernetes-provider.js';
import { NODE_TYPE_LABEL, PROVIDER_ID_LABEL } from './node-provider.js';

interface Seen {
  method: string;
  url: string;
  auth?: string;
  body?: any;
}

/** A loopback stand-in for the API server: records requests, answers like Kubernetes. */
async function fakeApi() {
  const seen: Seen[] = [];
  const pods = new Map<string, any>();
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const s: Seen = { method: req.method!, url: req.url!, auth: req.headers.authorization, body: text ? JSON.parse(text) : undefined };
    seen.push(s);
    res.setHeader('content-type', 'application/json');
    const base = '/api/v1/namespaces/rts/pods';
    if (req.method === 'GET' && req.url === '/apis/apps/v1/namespaces/rts/deployments/ray-ts-worker') {
      const { parse } = await import('yaml');
      const dep = parse(readFileSync(new URL('../../../../deploy/kubernetes/worker.yaml', import.meta.url), 'utf8'));
      return res.writeHead(200).end(JSON.stringify(dep));
    }
    if (req.method === 'POST' && req.url === base) {
      if (req.headers['content-type'] !== 'application/json') return res.writeHead(415).end('{}');
      const pod = { ...s.body, metadata: { ...s.body.metadata, creationTimestamp: new Date(0).toISOString() }, status: { phase: 'Pending' } };
      pods.set(pod.metadata.name, pod);
      return res.writeHead(201).end(JSON.stringify(pod));
    }
    if (req.method === 'GET' && req.url!.startsWith(`${base}?labelSelector=`)) {
      const items = [...pods.values(), { metadata: { name: 'gone', labels: {} }, status: { phase: 'Succeeded' } }];
      return res.writeHead(200).end(JSON.stringify({ kind: 'PodList', items }));
    }
    if (req.method === 'DELETE' && req.url!.startsWith(`${base}/`)) {
      const name = decodeURIComponent(req.url!.slice(base.length + 1));
      if (!pods.delete(name)) return res.writeHead(404).end('{"kind":"Status","code":404}');
      return res.writeHead(200).end('{}');
    }
    res.writeHead(403).end('{"kind":"Status","message":"forbidden"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, pods, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test('creates, lists and deletes worker Pods through the API', async () => {
  const api = await fakeApi();
  const dir = mkdtempSync(join(tmpdir(), 'rts-k8s-'));
  writeFileSync(join(dir, 'token'), 'sa-token\n');
  try {
    const p = new KubernetesNodeProvider({
      type: 'kubernetes', clusterName: 'demo', namespace: 'rts', image: 'reg/ray-ts:1', headAddress: 'ray-ts-head:6380', tokenSecret: 'ray-ts-token',
      apiServer: api.url, tokenFile: join(dir, 'token'), workerTemplate: '',
    });
    const ids = await p.createNode({ nodeType: 'gpu1', resources: { CPU: 4, GPU: 1, special: 2 }, labels: {} }, 2);
    assert.equal(ids.length, 2);
    const post = api.seen.filter((s) => s.method === 'POST');
    assert.equal(post.length, 2);
    const pod = post[0]!.body;
    assert.equal(post[0]!.url, '/api/v1/namespaces/rts/pods');
    assert.equal(post[0]!.auth, 'Bearer sa-token');
    assert.equal(pod.kind, 'Pod');
    assert.equal(pod.metadata.name, ids[0]);
    assert.match(pod.metadata.name, /^demo-worker-gpu1-[0-9a-f]{6}$/);
    assert.equal(pod.metadata.labels['ray-ts.io/cluster'], 'demo');
    assert.equal(pod.metadata.labels[NODE_TYPE_LABEL], 'gpu1');
    const c = pod.spec.containers[0];
    assert.equal(c.image, 'reg/ray-ts:1');
    const args: string[] = c.args;
    assert.equal(args[args.indexOf('--address') + 1], 'ray-ts-head:6380');
    assert.equal(args[args.indexOf('--num-cpus') + 1], '4');
    assert.equal(args[args.indexOf('--num-gpus') + 1], '1');
    assert.deepEqual(JSON.parse(args[args.indexOf('--resources') + 1]!), { special: 2 });
    assert.equal(JSON.parse(args[args.indexOf('--labels') + 1]!)[PROVIDER_ID_LABEL], ids[0]);
    assert.ok(args.includes('--block'));
    assert.deepEqual(c.resources.limits, { cpu: '4', 'nvidia.com/gpu': '1' });
    assert.deepEqual(c.env.find((e: any) => e.name === 'RAY_TS_CLUSTER_TOKEN').valueFrom, { secretKeyRef: { name: 'ray-ts-token', key: 'token' } });

    const listed = await p.nonTerminatedNodes();
    assert.deepEqual(listed.map((n) => [n.id, n.nodeType]), ids.map((id) => [id, 'gpu1'])); // the Succeeded pod is left out
    const get = api.seen.find((s) => s.method === 'GET')!;
    assert.equal(decodeURIComponent(get.url.split('labelSelector=')[1]!), 'ray-ts.io/cluster=demo,app.kubernetes.io/component=autoscaled-worker');

    await p.terminateNode(ids[0]!);
    await p.terminateNode(ids[0]!); // already gone (404): fine
    const del = api.seen.filter((s) => s.method === 'DELETE');
    assert.deepEqual(del.map((d) => d.url), [`/api/v1/namespaces/rts/pods/${ids[0]}`, `/api/v1/namespaces/rts/pods/${ids[0]}`]);
    assert.equal(api.pods.size, 1);

    const denied = new KubernetesNodeProvider({ type: 'kubernetes', clusterName: 'demo', namespace: 'other', image: 'x', headAddress: 'h:1', tokenSecret: 's', workerTemplate: '', apiServer: api.url, tokenFile: join(dir, 'token') });
    await assert.rejects(denied.nonTerminatedNodes(), (e: unknown) => e instanceof KubernetesApiError && e.status === 403 && /RBAC/.test(e.message));
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('worker Pods copy the worker Deployment\'s Pod template, with the node type\'s resources', async () => {
  const api = await fakeApi();
  try {
    const p = new KubernetesNodeProvider({
      type: 'kubernetes', clusterName: 'demo', namespace: 'rts', image: 'unused', headAddress: 'ray-ts-head:6380', tokenSecret: 'ray-ts-cluster-token',
      apiServer: api.url, tokenFile: '/nonexistent', workerTemplate: 'ray-ts-worker',
    });
    const [a] = await p.createNode({ nodeType: 'cpu2', resources: { CPU: 2, special: 1 }, labels: {} }, 1);
    await p.createNode({ nodeType: 'cpu2', resources: { CPU: 2 }, labels: {} }, 1);
    assert.equal(api.seen.filter((s) => s.url.includes('/deployments/')).length, 1, 'the template is fetched once');
    assert.equal(api.seen[0]!.auth, undefined); // no token file: no Authorization header (kubectl proxy)
    const pod = api.seen.find((s) => s.method === 'POST')!.body;
    assert.equal(pod.metadata.name, a);
    assert.equal(pod.metadata.labels['app.kubernetes.io/component'], 'autoscaled-worker'); // not adopted by the Deployment's ReplicaSet
    assert.equal(pod.metadata.labels['app.kubernetes.io/name'], 'ray-ts'); // admitted by the NetworkPolicy
    assert.equal(pod.spec.restartPolicy, 'Never');
    const c = pod.spec.containers[0];
    assert.equal(c.image, 'ghcr.io/your-org/ray-ts:latest');
    const args: string[] = c.args;
    assert.equal(args[args.indexOf('--num-cpus') + 1], '2');
    assert.deepEqual(JSON.parse(args[args.indexOf('--resources') + 1]!), { memory: 5368709120, special: 1 });
    assert.equal(JSON.parse(args[args.indexOf('--labels') + 1]!)['ray-ts.io/provider-node-id'], a);
    assert.equal(args[args.length - 1], '--block');
    assert.equal(c.resources.limits.cpu, '2');
    assert.equal(c.resources.limits.memory, '8Gi');
    assert.ok(pod.spec.volumes.some((v: any) => v.name === 'shm' && v.emptyDir.medium === 'Memory'));
    assert.equal(pod.spec.automountServiceAccountToken, false);
  } finally {
    api.close();
  }
});
