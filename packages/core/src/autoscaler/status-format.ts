/**
 * The autoscaler's section of `ray-ts status`, in the shape of Ray's `ray status`:
 * node types, nodes (launching, running, idle), pending demand, infeasible demand and
 * recent decisions with their reasons.
 */
import type { AutoscalerReport } from './autoscaler-types.js';

/** Renders an autoscaler report as lines. */
export function formatAutoscaler(a: AutoscalerReport): string[] {
  const lines: string[] = [];
  lines.push(`======== Autoscaler: cluster '${a.clusterName}' (${a.provider} provider) ========`);
  lines.push('Node types:');
  for (const [name, t] of Object.entries(a.nodeTypes)) {
    lines.push(`  ${name} ${JSON.stringify(t.resources)}: ${t.running} running, ${t.launching} launching (min ${t.minWorkers}, max ${t.maxWorkers})`);
  }
  lines.push('Nodes:');
  if (!a.nodes.length) lines.push('  (no worker nodes)');
  for (const n of a.nodes) {
    const what = n.state === 'idle' ? `idle ${n.idleS?.toFixed(1)} s` : n.state === 'running' ? `busy: ${(n.busy ?? []).join(', ')}` : 'launching';
    lines.push(`  ${n.providerId} (${n.nodeType})${n.nodeId ? ` node ${n.nodeId}` : ''}: ${what}`);
  }
  lines.push('Pending demand:');
  if (!a.demand.shapes.length && !a.demand.placementGroups.length && !a.request.length) lines.push('  (none)');
  for (const s of a.demand.shapes) lines.push(`  ${JSON.stringify(s.resources)}: ${s.count}`);
  for (const g of a.demand.placementGroups) lines.push(`  placement group ${g.pgId} ${g.strategy}: ${JSON.stringify(g.bundles)}`);
  if (a.request.length) lines.push(`  requestResources: ${JSON.stringify(a.request)}`);
  if (a.infeasible.length) {
    lines.push('Infeasible (no node type fits; not launched for):');
    for (const u of a.infeasible) lines.push(`  warning: ${u.kind} ${JSON.stringify(u.resources)} x${u.count}: ${u.reason}`);
  }
  if (a.waiting.length) {
    lines.push('Waiting:');
    for (const u of a.waiting) lines.push(`  ${u.kind} ${JSON.stringify(u.resources)} x${u.count}: ${u.reason}`);
  }
  lines.push('Recent decisions:');
  if (!a.decisions.length) lines.push('  (none)');
  for (const d of a.decisions.slice(-15)) {
    const when = new Date(d.at).toISOString().slice(11, 19);
    const what = d.action === 'launch' ? `launch ${d.count} x ${d.nodeType}` : d.nodeId ? `${d.action} ${d.nodeId} (${d.nodeType})` : d.action;
    lines.push(`  ${when} ${what}: ${d.reason}`);
  }
  return lines;
}
