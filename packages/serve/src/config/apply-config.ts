/**
 * `deployConfig`: makes the running Serve state match a config — imports each
 * application's module, applies the deployment overrides, deploys it (in place when only
 * lightweight options changed and the entry module is unchanged), and deletes running
 * applications the config no longer lists (Ray's `serve deploy`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deleteApp, deployApplication, status } from '../api.js';
import { Application, Deployment } from '../deployment.js';
import { ServeConfigError } from '../errors.js';
import { resolveRunOptions } from '../options.js';
import { parseServeConfig, resolveServeConfig, type AppConfig, type DeploymentOverride, type ServeConfig } from './serve-config.js';

/** What `deployConfig` did per application. */
export interface DeployConfigResult {
  /** Applications deployed (new, updated in place, or rolled over). */
  deployed: string[];
  /** Running applications deleted because the config does not list them. */
  deleted: string[];
}

/** Rebuilds an application graph with options overridden by deployment name. */
function applyOverrides(app: Application, overrides: ReadonlyMap<string, DeploymentOverride>, used: Set<string>, memo = new Map<Application, Application>()): Application {
  const done = memo.get(app);
  if (done) return done;
  const o = overrides.get(app.deployment.name);
  let dep: Deployment = app.deployment;
  if (o) {
    used.add(o.name);
    const { name: _name, ...opts } = o;
    dep = dep.withOptions(opts);
  }
  const out = new Application(dep, app.args.map((a) => (a instanceof Application ? applyOverrides(a, overrides, used, memo) : a)));
  memo.set(app, out);
  return out;
}

/** Imports `<module>:<export>` (relative to `baseDir`) and makes it an Application. */
async function loadApplication(a: AppConfig, baseDir: string): Promise<{ app: Application; codeVersion: string }> {
  const i = a.importPath.lastIndexOf(':');
  const file = a.importPath.slice(0, i);
  const name = a.importPath.slice(i + 1);
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    throw new ServeConfigError(a.importPath, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  let target = mod[name];
  if (target === undefined) throw new ServeConfigError(a.importPath, `${path} has no export '${name}' (it exports ${Object.keys(mod).join(', ') || 'nothing'})`);
  if (typeof target === 'function' && !(target instanceof Deployment)) target = await (target as (args: unknown) => unknown)(a.args ?? {});
  if (target instanceof Deployment) target = target.bind(...([] as never[]));
  if (!(target instanceof Application)) throw new ServeConfigError(a.importPath, 'the export must be an Application (deployment.bind(...)), a Deployment, or a function returning an Application');
  const codeVersion = createHash('sha256').update(a.importPath).update('\0').update(source).update('\0').update(JSON.stringify(a.args ?? {})).digest('hex').slice(0, 16);
  return { app: target, codeVersion };
}

/**
 * Deploys a config (an object, or the path of a YAML/JSON file; module paths are relative
 * to the file, else to `baseDir`, default the working directory). Resolves when every
 * application is ready.
 */
export async function deployConfig(config: ServeConfig | string, options: { baseDir?: string } = {}): Promise<DeployConfigResult> {
  let cfg: Readonly<ServeConfig>;
  let baseDir = options.baseDir ?? process.cwd();
  if (typeof config === 'string') {
    const file = resolve(config);
    cfg = await parseServeConfig(await readFile(file, 'utf8'), file);
    baseDir = options.baseDir ?? resolve(file, '..');
  } else cfg = resolveServeConfig(config);
  const http = cfg.httpOptions ?? {};
  const loaded = [];
  for (const a of cfg.applications) {
    const { app, codeVersion } = await loadApplication(a, baseDir);
    const overrides = new Map((a.deployments ?? []).map((d) => [d.name, d]));
    const used = new Set<string>();
    const final = applyOverrides(app, overrides, used);
    const unknown = [...overrides.keys()].filter((n) => !used.has(n));
    if (unknown.length) throw new TypeError(`application '${a.name}': deployments ${unknown.join(', ')} are not in the application graph of '${a.importPath}'`);
    loaded.push({ a, final, codeVersion });
  }
  // Applications the config no longer lists go first (one of them may hold a route prefix now given to another).
  const wanted = new Set(loaded.map(({ a }) => a.name ?? 'default'));
  const deleted: string[] = [];
  for (const name of Object.keys((await status()).applications)) {
    if (!wanted.has(name) && (await deleteApp(name))) deleted.push(name);
  }
  const deployed: string[] = [];
  for (const { a, final, codeVersion } of loaded) {
    const o = resolveRunOptions({ name: a.name, routePrefix: a.routePrefix, host: http.host, port: http.port, requestTimeoutS: http.requestTimeoutS, proxyLocation: cfg.proxyLocation });
    await deployApplication(final, o, codeVersion);
    deployed.push(o.name);
  }
  return { deployed, deleted };
}
