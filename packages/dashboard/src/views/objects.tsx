/** Objects: the largest objects, their size, state and where they are, and the totals per node. */
import * as api from '../api.js';
import type { ObjectRow } from '../api-types.js';
import { Id, PollNote, Section, StateBadge, Stat, Table, type Column } from '../components.js';
import { formatBytes } from '../format.js';
import { usePoll } from '../use-poll.js';

const SHOWN = 500;

/** The Objects view. */
export function ObjectsView() {
  const polled = usePoll(async (signal) => {
    const [summary, objects] = await Promise.all([api.objectSummary(signal), api.list('objects', { detail: true, limit: 100_000 }, signal)]);
    const rows = objects.rows.sort((a, b) => b.objectSize - a.objectSize).slice(0, SHOWN);
    return { summary, rows, total: objects.total, partial: objects.partialFailures };
  }, []);
  const d = polled.data;
  const columns: Column<ObjectRow>[] = [
    { title: 'Object', cell: (o) => <Id id={o.objectId} /> },
    { title: 'Size', class: 'num', cell: (o) => formatBytes(o.objectSize) },
    { title: 'State', cell: (o) => <StateBadge state={o.state} /> },
    { title: 'Where', cell: (o) => <span class="tag">{o.location}</span> },
    { title: 'Node', cell: (o) => <Id id={o.nodeId} /> },
    { title: 'Refs', class: 'num', cell: (o) => o.referenceCount },
    { title: 'Made by', cell: (o) => o.callSite },
    { title: 'Error', cell: (o) => (o.isError ? <span class="warn">error value</span> : '') },
  ];
  const perNode = Object.entries(d?.summary.nodes ?? {});
  return (
    <>
      <Section title="Object store" right={<PollNote polled={polled} />}>
        <div class="stats">
          <Stat label="Objects" value={d?.summary.numObjects ?? '–'} />
          <Stat label="Total size" value={formatBytes(d?.summary.totalBytes)} />
          {perNode.map(([id, n]) => (
            <Stat label={`Node ${id.slice(-6)}`} value={formatBytes(n.totalBytes)} sub={`${n.numObjects} objects`} />
          ))}
        </div>
      </Section>
      <Section title="Largest objects" right={<PollNote polled={polled} total={d?.total} shown={d?.rows.length} partial={d?.partial} />}>
        <Table testId="objects-table" columns={columns} rows={d?.rows ?? []} rowKey={(o) => `${o.nodeId}/${o.objectId}`} empty={d ? 'No objects.' : 'Loading…'} />
      </Section>
    </>
  );
}
