/** `ray-ts-serve status` output: Serve's state as indented text, like `serve status`. */
import type { ServeStatus } from '../internal/app-spec.js';

/** Serve's status as text. */
export function formatStatus(st: ServeStatus): string {
  const lines: string[] = [`proxy: ${st.proxy ? `http://${st.proxy.host}:${st.proxy.port}` : 'not running'}`];
  if ((st.proxies?.length ?? 0) > 1) {
    lines.push('proxies:');
    for (const p of st.proxies!) lines.push(`  ${p.nodeId}: http://${p.address} ${p.status}${p.message ? ` (${p.message})` : ''}`);
  }
  const apps = Object.entries(st.applications);
  if (apps.length === 0) lines.push('applications: none');
  else lines.push('applications:');
  for (const [name, a] of apps) {
    lines.push(`  ${name}:`, `    status: ${a.status}`, `    routePrefix: ${a.routePrefix ?? '(none)'}`, `    ingress: ${a.ingress}`, '    deployments:');
    for (const [dn, d] of Object.entries(a.deployments)) {
      lines.push(`      ${dn}: ${d.status}, ${d.runningReplicas}/${d.targetReplicas} replicas${d.message ? ` (${d.message})` : ''}`);
    }
  }
  return lines.join('\n');
}
