/** Nodes: state, address, and the use of CPU, GPU, memory and object store per node. */
import * as api from '../api.js';
import type { MemorySummary, NodeRow } from '../api-types.js';
import { Id, Meter, PollNote, Section, StateBadge, Table, type Column } from '../components.js';
import { formatAgo, formatBytes, formatResources } from '../format.js';
import { usePoll } from '../use-poll.js';

const STANDARD = new Set(['CPU', 'GPU', 'memory', 'objectStoreMemory']);

/** The nodes table (shared by the overview and the Nodes view). */
export function NodesTable(p: { nodes: readonly NodeRow[]; objects?: MemorySummary; wide?: boolean }) {
  const now = Date.now();
  const anyGpu = p.nodes.some((n) => (n.resourcesTotal.GPU ?? 0) > 0);
  const columns: Column<NodeRow>[] = [
    { title: 'Node', cell: (n) => <span><Id id={n.nodeId} />{n.isHead && <span class="tag">head</span>}</span> },
    { title: 'State', cell: (n) => <StateBadge state={n.state} /> },
    { title: 'Address', cell: (n) => <code>{n.address}</code> },
    { title: 'CPU', cell: (n) => <Meter name="CPU" total={n.resourcesTotal} available={n.resourcesAvailable} /> },
    ...(anyGpu ? [{ title: 'GPU', cell: (n: NodeRow) => <Meter name="GPU" total={n.resourcesTotal} available={n.resourcesAvailable} /> }] : []),
    { title: 'Memory', cell: (n) => <Meter name="memory" total={n.resourcesTotal} available={n.resourcesAvailable} /> },
    { title: 'Object store', cell: (n) => <Meter name="objectStoreMemory" total={n.resourcesTotal} available={n.resourcesAvailable} /> },
    {
      title: 'Objects', class: 'num',
      cell: (n) => {
        const o = p.objects?.nodes[n.nodeId];
        return o ? `${o.numObjects} · ${formatBytes(o.totalBytes)}` : '–';
      },
    },
  ];
  if (p.wide) {
    columns.push(
      {
        title: 'Other resources',
        cell: (n) => formatResources(Object.fromEntries(Object.entries(n.resourcesTotal).filter(([k]) => !STANDARD.has(k)))),
      },
      { title: 'Labels', cell: (n) => Object.entries(n.labels ?? {}).map(([k, v]) => <span class="tag">{k}={v}</span>) },
      { title: 'Started', cell: (n) => formatAgo(n.startTimeMs, now) },
      { title: 'Metrics', cell: (n) => (n.metricsAddress ? <code>{n.metricsAddress}</code> : '–') },
    );
  }
  return <Table testId="nodes-table" columns={columns} rows={p.nodes} rowKey={(n) => n.nodeId} empty="No nodes." rowAttrs={(n) => ({ 'data-state': n.state })} />;
}

/** The Nodes view. */
export function NodesView() {
  const polled = usePoll(async (signal) => {
    const [nodes, objects] = await Promise.all([api.list('nodes', { detail: true, limit: 10_000 }, signal), api.objectSummary(signal)]);
    return { nodes, objects };
  }, []);
  const d = polled.data;
  return (
    <Section title="Nodes" right={<PollNote polled={polled} />}>
      <p class="hint">CPU, GPU and memory are the logical resources reserved by running tasks and actors; the object store is the shared memory its objects use.</p>
      {d && <NodesTable nodes={d.nodes.rows} objects={d.objects} wide />}
    </Section>
  );
}
