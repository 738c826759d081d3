/**
 * A linter for deploy/kubernetes: parses every manifest and checks what a cluster would
 * otherwise reject or, worse, accept and run wrongly (a Service that selects nothing, a token
 * in a literal, a /dev/shm smaller than the object store, a CLI flag that does not exist).
 * It does not talk to a cluster; `kubectl kustomize` is run when kubectl is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(repo, 'deploy/kubernetes');
const NAMESPACE = 'ray-ts';
/** Template for `kubectl create secret`: kept out of kustomization.yaml so apply never overwrites the real token. */
const SECRET_TEMPLATE = 'secret.yaml';
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'CustomResourceDefinition']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/**
 * Flags of `ray-ts start` the manifests may use: those of the CLI's head and worker forms
 * (`start --head ...`, `start --address ...`), plus `--object-store-memory`, which the CLI
 * has today: without it a node sizes its store from the machine's RAM, not the pod's.
 * `--token` exists but is refused below: it would put the token in the process list.
 */
const START_FLAGS: Record<string, 'value' | 'switch'> = {
  '--head': 'switch', '--block': 'switch', '--host': 'value', '--port': 'value', '--num-cpus': 'value',
  '--resources': 'value', '--token': 'value', '--redis-address': 'value', '--address': 'value',
  '--node-ip-address': 'value', '--object-store-memory': 'value',
};

type Labels = Record<string, string>;
interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }
interface Probe { tcpSocket?: { port: number | string }; httpGet?: { port: number | string }; exec?: unknown }
interface Port { name?: string; containerPort: number }
interface Container {
  name: string; image?: string; command?: unknown[]; args?: unknown[]; env?: EnvVar[]; ports?: Port[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
  lifecycle?: { preStop?: { exec?: { command?: unknown[] } } };
}
interface PodSpec {
  containers: Container[]; initContainers?: Container[]; automountServiceAccountToken?: boolean; enableServiceLinks?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: { name: string; emptyDir?: { medium?: string; sizeLimit?: string } }[];
}
interface Selector { matchLabels?: Labels; matchExpressions?: unknown[] }
interface Manifest {
  apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; labels?: Labels };
  data?: Record<string, string>; stringData?: Record<string, string>;
  spec?: {
    replicas?: number; strategy?: { type?: string };
    selector?: Selector & Labels; template?: { metadata?: { labels?: Labels }; spec: PodSpec };
    ports?: { name?: string; port: number; targetPort?: number | string }[];
    podSelector?: Selector; policyTypes?: string[];
    ingress?: { from?: Record<string, unknown>[]; ports?: { port: number | string }[] }[];
  };
}
interface Doc { file: string; m: Manifest }
/** A `ray-ts <sub> [flags]` command line, and what is wrong with it (checked by the command test). */
interface Invocation { sub: string | undefined; flags: Map<string, string | true>; problems: string[] }
interface Node extends Invocation { doc: Doc; c: Container; pod: PodSpec }

const yamlFiles = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const parseErrors: string[] = [];
function parseFile(file: string): unknown[] {
  return parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d, i) => {
    for (const e of d.errors) parseErrors.push(`${file}, document ${i + 1}: ${e.message}`);
    return d.errors.length ? null : (d.toJS() as unknown);
  }).filter((x) => x !== null && x !== undefined);
}
const kustomization = (parseFile('kustomization.yaml')[0] ?? {}) as { namespace?: string; resources?: string[]; images?: { name: string }[] };
const docs: Doc[] = yamlFiles.filter((f) => f !== 'kustomization.yaml').flatMap((file) => parseFile(file).map((m) => ({ file, m: m as Manifest })));
const where = (d: Doc) => `${d.file}: ${d.m.kind}/${d.m.metadata?.name}`;
const workloads = docs.filter((d) => WORKLOADS.has(d.m.kind ?? ''));
const podLabels = (d: Doc): Labels => d.m.spec?.template?.metadata?.labels ?? {};
const selects = (sel: Labels, labels: Labels) => Object.entries(sel).every(([k, v]) => labels[k] === v);
const argv = (x: unknown[] | undefined): unknown[] => x ?? [];

/** Kubernetes quantities ("500m", "2", "4Gi", "1.5G") as plain numbers. */
function quantity(q: string | number | undefined, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  assert.ok(m, `${what}: '${q}' is not a Kubernetes quantity`);
  const scale: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(m[1]) * (m[2] ? scale[m[2]]! : 1);
}

/** Parses `ray-ts <sub> [flags]` (the command plus args of a container or hook); undefined when it does not run ray-ts. */
function parseRayTs(words: unknown[], what: string): Invocation | undefined {
  const problems: string[] = [];
  words.forEach((w, i) => typeof w !== 'string' && problems.push(`${what}: command/args entry ${i} (${String(w)}) must be a string (quote it in YAML)`));
  const rest = words.map(String);
  if (rest[0] === 'npx') {
    problems.push(`${what}: call ray-ts directly, not through npx (which downloads a registry package of that name when the local one is missing)`);
    rest.shift();
    while (rest[0]?.startsWith('-')) rest.shift();
  }
  if (rest.shift() !== 'ray-ts') return undefined;
  const sub = rest.shift();
  if (sub !== 'start' && sub !== 'stop') problems.push(`${what}: 'ray-ts ${sub}' is not a command a node container should run`);
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const kind = sub === 'start' ? START_FLAGS[flag] : undefined;
    if (!kind) problems.push(`${what}: '${flag}' is not a flag of 'ray-ts ${sub}'`);
    else if (flags.has(flag)) problems.push(`${what}: ${flag} given twice`);
    if (kind !== 'value') flags.set(flag, true);
    else {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--')) problems.push(`${what}: ${flag} needs a value`);
      else flags.set(flag, rest[++i]!);
    }
  }
  return { sub, flags, problems };
}

const nodes: Node[] = workloads.flatMap((doc) => {
  const pod = doc.m.spec?.template?.spec;
  return (pod?.containers ?? []).flatMap((c) => {
    const parsed = parseRayTs([...argv(c.command), ...argv(c.args)], `${where(doc)} container ${c.name}`);
    return parsed ? [{ doc, c, pod: pod!, ...parsed }] : [];
  });
});
const heads = nodes.filter((n) => n.flags.has('--head'));
const workers = nodes.filter((n) => n.flags.has('--address'));
const services = docs.filter((d) => d.m.kind === 'Service');
const secret = docs.find((d) => d.m.kind === 'Secret' && d.file === SECRET_TEMPLATE);

test('every manifest parses and names its apiVersion, kind, name and the ray-ts namespace', () => {
  assert.deepEqual(parseErrors, [], 'YAML that does not parse');
  assert.ok(docs.length >= 8, `expected the namespace, secret, redis, head, worker and policy manifests, found ${docs.length} documents`);
  for (const d of docs) {
    assert.ok(d.m.apiVersion && d.m.kind && d.m.metadata?.name, `${d.file}: a document lacks apiVersion, kind or metadata.name`);
    if (CLUSTER_SCOPED.has(d.m.kind!)) assert.equal(d.m.metadata!.namespace, undefined, `${where(d)} is cluster-scoped`);
    else assert.equal(d.m.metadata!.namespace, NAMESPACE, `${where(d)} must be in namespace ${NAMESPACE}`);
  }
  assert.ok(docs.some((d) => d.m.kind === 'Namespace' && d.m.metadata!.name === NAMESPACE), `no Namespace ${NAMESPACE}`);
});

test('kustomization.yaml lists every manifest (but the secret template) and each file it lists exists', () => {
  assert.equal(kustomization.namespace, NAMESPACE);
  const listed = kustomization.resources ?? [];
  for (const r of listed) assert.ok(yamlFiles.includes(r), `kustomization.yaml lists ${r}, which is not in deploy/kubernetes`);
  const expected = yamlFiles.filter((f) => f !== 'kustomization.yaml' && f !== SECRET_TEMPLATE);
  assert.deepEqual([...listed].sort(), expected, 'kustomization.yaml resources must be exactly the manifests of deploy/kubernetes');
  assert.ok(!listed.includes(SECRET_TEMPLATE), `${SECRET_TEMPLATE} must not be listed: apply -k would overwrite the real token with the placeholder`);
  const images = new Set(nodes.map((n) => n.c.image?.split(':')[0]));
  assert.deepEqual([...images], ['ghcr.io/your-org/ray-ts'], 'every node runs the one placeholder image');
  assert.ok(kustomization.images?.some((i) => images.has(i.name)), 'kustomization.yaml images must name the node image so it can be overridden');
});

test('kubectl kustomize builds the directory into the ray-ts namespace', { skip: spawnSync('kubectl', ['version', '--client'], { timeout: 30_000 }).status !== 0 && 'kubectl not installed' }, () => {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const built = parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest);
  assert.equal(built.length, docs.length - 1, 'every listed document (all but the secret template) is built');
  for (const m of built) if (m.kind !== 'Namespace') assert.equal(m.metadata?.namespace, NAMESPACE, `${m.kind}/${m.metadata?.name}`);
});

test('every container has requests and limits, a readiness and a liveness probe, and runs as non-root', () => {
  assert.ok(workloads.length >= 3, 'expected the head, worker and redis Deployments');
  for (const d of workloads) {
    const pod = d.m.spec?.template?.spec;
    assert.ok(pod?.containers?.length, `${where(d)}: no pod template with containers`);
    assert.ok(selects(d.m.spec!.selector?.matchLabels ?? { none: 'none' }, podLabels(d)), `${where(d)}: selector.matchLabels must match the pod template labels`);
    assert.equal(pod.automountServiceAccountToken, false, `${where(d)}: pods need no Kubernetes API token`);
    assert.equal(pod.enableServiceLinks, false, `${where(d)}: service links inject RAY_TS_* variables (ray-ts setting names)`);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${where(d)}: pod seccompProfile`);
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      const what = `${where(d)} container ${c.name}`;
      for (const r of ['cpu', 'memory']) {
        const req = quantity(c.resources?.requests?.[r], `${what} requests.${r}`);
        const lim = quantity(c.resources?.limits?.[r], `${what} limits.${r}`);
        assert.ok(req > 0 && req <= lim, `${what}: ${r} request must be positive and at most the limit`);
      }
      const portOk = (p: number | string | undefined) => (c.ports ?? []).some((cp) => cp.containerPort === p || cp.name === p);
      for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
        const p = c[probe];
        assert.ok(p && (p.tcpSocket || p.httpGet || p.exec), `${what}: no ${probe}`);
        const port = p.tcpSocket?.port ?? p.httpGet?.port;
        if (port !== undefined) assert.ok(portOk(port), `${what}: ${probe} port ${port} is not a container port`);
      }
      const sc = c.securityContext ?? {};
      assert.ok(sc.runAsNonRoot === true || pod.securityContext?.runAsNonRoot === true, `${what}: runAsNonRoot`);
      assert.notEqual(sc.runAsUser ?? pod.securityContext?.runAsUser, 0, `${what}: runs as uid 0`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${what}: allowPrivilegeEscalation`);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${what}: capabilities.drop`);
    }
  }
});

test('ray-ts nodes mount a memory-backed /dev/shm that fits their object store, and read the token from the Secret', () => {
  assert.ok(heads.length === 1 && workers.length >= 1, `expected one head and a worker container, found ${heads.length} and ${workers.length}`);
  assert.ok(secret, `${SECRET_TEMPLATE} must hold the Secret template`);
  const secretKeys = Object.keys({ ...secret.m.data, ...secret.m.stringData });
  for (const n of nodes) {
    const what = `${where(n.doc)} container ${n.c.name}`;
    const mount = n.c.volumeMounts?.find((v) => v.mountPath === '/dev/shm');
    assert.ok(mount, `${what}: mounts nothing at /dev/shm (the container default is 64 MiB)`);
    const shm = n.pod.volumes?.find((v) => v.name === mount.name)?.emptyDir;
    assert.equal(shm?.medium, 'Memory', `${what}: /dev/shm must be an emptyDir with medium: Memory`);
    const shmBytes = quantity(shm.sizeLimit, `${what} /dev/shm sizeLimit`);
    assert.ok(shmBytes < quantity(n.c.resources?.limits?.memory, 'memory limit'), `${what}: /dev/shm counts against the memory limit, which must exceed it`);
    const store = n.flags.get('--object-store-memory');
    if (store !== undefined) assert.ok(Number(store) > 0 && Number(store) <= shmBytes, `${what}: --object-store-memory ${store} exceeds /dev/shm (${shm.sizeLimit})`);
    const token = n.c.env?.find((e) => e.name === 'RAY_TS_CLUSTER_TOKEN');
    assert.ok(token, `${what}: no RAY_TS_CLUSTER_TOKEN`);
    assert.equal(token.value, undefined, `${what}: RAY_TS_CLUSTER_TOKEN must come from the Secret, not a literal`);
    assert.equal(token.valueFrom?.secretKeyRef?.name, secret.m.metadata!.name, `${what}: RAY_TS_CLUSTER_TOKEN secretKeyRef`);
    assert.ok(secretKeys.includes(token.valueFrom!.secretKeyRef!.key), `${what}: the Secret has no key ${token.valueFrom!.secretKeyRef!.key}`);
    assert.ok(!n.flags.has('--token'), `${what}: --token would show the token in the process list; use the env var`);
  }
  for (const d of workloads) for (const c of d.m.spec!.template!.spec.containers) {
    for (const e of c.env ?? []) if (/TOKEN|PASSWORD|SECRET/i.test(e.name)) assert.equal(e.value, undefined, `${where(d)}: ${e.name} is a literal`);
  }
});

test('node commands use the CLI flags, and their addresses and $(VARS) resolve', () => {
  const svcAddr = (addr: string | true | undefined, what: string) => {
    const [host, port] = String(addr).split(':');
    const svc = services.find((s) => s.m.metadata!.name === host);
    assert.ok(svc && svc.m.spec!.ports!.some((p) => p.port === Number(port)), `${what}: ${addr} is not a Service port of these manifests`);
    return svc;
  };
  assert.ok(nodes.length >= 2, 'expected a head and a worker container running ray-ts');
  for (const n of nodes) {
    const what = `${where(n.doc)} container ${n.c.name}`;
    assert.deepEqual(n.problems, [], 'command lines the CLI would refuse, or that would run wrongly');
    assert.equal(n.sub, 'start', what);
    assert.ok(n.flags.has('--head') !== n.flags.has('--address'), `${what}: a node is started with either --head or --address`);
    assert.equal(n.flags.get('--block'), true, `${what}: without --block 'ray-ts start' returns and the container exits`);
    assert.equal(n.flags.get('--host'), '0.0.0.0', `${what}: on the default 127.0.0.1 no other pod can connect`);
    assert.ok(n.c.ports?.some((p) => p.containerPort === Number(n.flags.get('--port'))), `${what}: --port ${n.flags.get('--port')} is not a container port`);
    const env = new Map((n.c.env ?? []).map((e) => [e.name, e]));
    for (const v of [...n.flags.values()]) {
      for (const [, name] of String(v).matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) assert.ok(env.has(name!), `${what}: $(${name}) is not an env var of the container (Kubernetes would pass it literally)`);
    }
    const resources = n.flags.get('--resources');
    if (resources !== undefined) assert.ok(Object.values(JSON.parse(String(resources)) as object).every((x) => typeof x === 'number'), `${what}: --resources`);
    if (n.flags.has('--redis-address')) svcAddr(n.flags.get('--redis-address'), `${what} --redis-address`);
  }
  for (const w of workers) {
    const what = `${where(w.doc)} container ${w.c.name}`;
    const svc = svcAddr(w.flags.get('--address'), `${what} --address`)!;
    assert.ok(selects(svc.m.spec!.selector!, podLabels(heads[0]!.doc)), `${what}: --address must be the head's Service`);
    assert.equal(w.flags.get('--node-ip-address'), '$(POD_IP)', `${what}: advertise the pod IP`);
    assert.equal(w.c.env?.find((e) => e.name === 'POD_IP')?.valueFrom?.fieldRef?.fieldPath, 'status.podIP', `${what}: POD_IP from the downward API`);
    const stop = parseRayTs(argv(w.c.lifecycle?.preStop?.exec?.command), `${what} preStop`);
    assert.equal(stop?.sub, 'stop', `${what}: preStop must run 'ray-ts stop'`);
    assert.deepEqual(stop.problems, [], `${what} preStop`);
  }
  const head = heads[0]!.doc.m.spec!;
  assert.ok(head.replicas === 1 && head.strategy?.type === 'Recreate', 'one head, and never two at once (replicas: 1, strategy Recreate)');
});

test('Services select the pods of exactly one workload, on ports those pods open', () => {
  assert.ok(services.some((s) => s.m.metadata!.name === 'ray-ts-head'), 'no ray-ts-head Service');
  for (const s of services) {
    const selector = s.m.spec!.selector ?? {};
    assert.ok(Object.keys(selector).length > 0, `${where(s)} has no selector`);
    const targets = workloads.filter((d) => selects(selector, podLabels(d)));
    assert.equal(targets.length, 1, `${where(s)} selects ${targets.map(where).join(', ') || 'no workload'}`);
    const ports = targets[0]!.m.spec!.template!.spec.containers.flatMap((c) => c.ports ?? []);
    for (const p of s.m.spec!.ports ?? []) {
      const target = p.targetPort ?? p.port;
      assert.ok(ports.some((cp) => cp.containerPort === target || cp.name === target), `${where(s)}: targetPort ${target} is not a port of ${where(targets[0]!)}`);
    }
  }
});

test('NetworkPolicies deny by default and admit only pods of the namespace, to the ports pods open', () => {
  const policies = docs.filter((d) => d.m.kind === 'NetworkPolicy');
  const labelsOf = (sel: Selector | undefined, what: string): Labels => {
    assert.equal(sel?.matchExpressions, undefined, `${what}: this linter reads matchLabels only`);
    return sel?.matchLabels ?? {};
  };
  assert.ok(policies.some((p) => Object.keys(labelsOf(p.m.spec!.podSelector, where(p))).length === 0 && p.m.spec!.policyTypes?.includes('Ingress') && !p.m.spec!.ingress?.length), 'no default-deny ingress policy');
  for (const p of policies) for (const rule of p.m.spec!.ingress ?? []) {
    assert.ok(rule.from?.length, `${where(p)}: an ingress rule without 'from' admits every source`);
    for (const peer of rule.from) assert.deepEqual(Object.keys(peer), ['podSelector'], `${where(p)}: only podSelector peers (this namespace), not ${Object.keys(peer).join(', ')}`);
  }
  for (const d of workloads) for (const c of d.m.spec!.template!.spec.containers) for (const cp of c.ports ?? []) {
    const admitted = policies.some((p) => selects(labelsOf(p.m.spec!.podSelector, where(p)), podLabels(d)) &&
      (p.m.spec!.ingress ?? []).some((r) => (r.ports ?? []).some((rp) => rp.port === cp.containerPort || rp.port === cp.name)));
    assert.ok(admitted, `${where(d)}: no NetworkPolicy admits port ${cp.containerPort}`);
  }
  const nodePorts = nodes.flatMap((n) => (n.c.ports ?? []).map((cp) => cp.containerPort)).sort();
  assert.deepEqual([...new Set(nodePorts)], [6380, 6381], 'node ports are 6380 (head) and 6381 (workers)');
});

test('the Dockerfile builds with Node 20, pnpm 10 and node-gyp tools, puts ray-ts on the PATH, and runs as the pods\' user', () => {
  const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  for (const m of lines.map((l) => /^ARG (\w+)=(\S+)/.exec(l))) if (m) args.set(m[1]!, m[2]!);
  const froms = lines.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]!.replace(/\$\{(\w+)\}/g, (_m, n: string) => args.get(n) ?? ''));
  assert.ok(froms.length > 0 && froms.every((f) => /^node:20[.-]/.test(f)), `every stage must be Node 20, got ${froms.join(', ')}`);
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { packageManager: string; devDependencies: Record<string, string> };
  assert.equal(`pnpm@${args.get('PNPM_VERSION')}`, pkg.packageManager, 'PNPM_VERSION must match package.json packageManager');
  assert.match(pkg.packageManager, /^pnpm@10\./);
  assert.match(text, /pnpm install --frozen-lockfile/);
  const apt = lines.find((l) => l.includes('apt-get install')) ?? '';
  for (const tool of ['python3', 'make', 'g++']) assert.ok(apt.split(/\s+/).includes(tool), `the build stage must install ${tool} for node-gyp`);
  assert.match(text, /PATH=\/app\/node_modules\/\.bin:/, 'ray-ts must be on the PATH (containers call it directly)');
  assert.ok(pkg.devDependencies['@ray-ts/core'], 'the root package must depend on @ray-ts/core so node_modules/.bin/ray-ts exists');
  const user = lines.filter((l) => l.startsWith('USER ')).pop()?.split(/\s+/)[1] ?? '';
  assert.match(user, /^[1-9]\d*(:\d+)?$/, 'the image must end as a numeric non-root USER (runAsNonRoot can only verify numbers)');
  for (const n of nodes) assert.equal(String(n.pod.securityContext?.runAsUser), user.split(':')[0], `${where(n.doc)}: runAsUser must be the image's user`);
});

test('no file holds a real-looking token (64 hex characters)', () => {
  const hex64 = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i;
  for (const file of readdirSync(dir)) assert.doesNotMatch(readFileSync(join(dir, file), 'utf8'), hex64, `${file} holds a 64-hex-character string: never commit a token`);
  for (const d of docs.filter((x) => x.m.kind === 'Secret')) {
    const values = [
      ...Object.entries(d.m.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')] as const),
      ...Object.entries(d.m.stringData ?? {}),
    ];
    for (const [k, v] of values) assert.match(v, /^REPLACE-ME/, `${where(d)}: ${k} must be a REPLACE-ME placeholder, never a token`);
  }
});
