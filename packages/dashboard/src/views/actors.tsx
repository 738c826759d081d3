/** Actors: state, class, restarts, node and process, name. */
import { useState } from 'preact/hooks';
import * as api from '../api.js';
import type { ActorRow, ActorSummary } from '../api-types.js';
import { Id, PollNote, Section, StateBadge, Table, type Column } from '../components.js';
import { formatResources } from '../format.js';
import { usePoll } from '../use-poll.js';

const STATES: ActorRow['state'][] = ['ALIVE', 'PENDING', 'RESTARTING', 'DEAD'];

/** Actors by class and state. */
export function ActorsByClass(p: { summary: ActorSummary | undefined }) {
  const rows = Object.values(p.summary?.summary ?? {}).sort((a, b) => a.className.localeCompare(b.className));
  const columns: Column<(typeof rows)[number]>[] = [
    { title: 'Class', cell: (r) => r.className },
    ...STATES.map((s) => ({ title: s[0] + s.slice(1).toLowerCase(), class: 'num', cell: (r: (typeof rows)[number]) => r.stateCounts[s] ?? '' })),
  ];
  return <Table testId="actors-by-class" columns={columns} rows={rows} rowKey={(r) => r.className} empty="No actors." />;
}

/** The actors table. */
export function ActorsTable(p: { actors: readonly ActorRow[] }) {
  const [open, setOpen] = useState<string>();
  const columns: Column<ActorRow>[] = [
    { title: 'Actor', cell: (a) => <Id id={a.actorId} /> },
    { title: 'Class', cell: (a) => a.className },
    { title: 'Name', cell: (a) => (a.name ? <span>{a.name}{a.namespace && <span class="muted"> ({a.namespace})</span>}</span> : '') },
    { title: 'State', cell: (a) => <StateBadge state={a.state} /> },
    { title: 'Restarts', class: 'num', cell: (a) => a.numRestarts },
    { title: 'Node', cell: (a) => <Id id={a.nodeId} /> },
    { title: 'Pid', class: 'num', cell: (a) => (a.pid ? <a href={`#/logs?node=${a.nodeId}&pid=${a.pid}`} onClick={(e) => e.stopPropagation()}>{a.pid}</a> : '–') },
    { title: 'Resources', cell: (a) => formatResources(a.requiredResources) },
    { title: 'Death', class: 'error-cell', cell: (a) => a.deathReason ?? '' },
  ];
  return (
    <Table
      testId="actors-table"
      columns={columns}
      rows={p.actors}
      rowKey={(a) => a.actorId}
      rowAttrs={(a) => ({ 'data-state': a.state, 'data-class': a.className })}
      empty="No actors."
      onRow={(a) => setOpen(open === a.actorId ? undefined : a.actorId)}
      selected={open}
      detail={(a) => (
        <dl class="detail">
          <dt>Actor id</dt><dd><code>{a.actorId}</code></dd>
          <dt>Detached</dt><dd>{a.detached ? 'yes' : 'no'}</dd>
          {a.deathReason && <><dt>Death reason</dt><dd><pre class="error">{a.deathReason}</pre></dd></>}
        </dl>
      )}
    />
  );
}

/** The Actors view. */
export function ActorsView() {
  const polled = usePoll(async (signal) => {
    const [summary, actors] = await Promise.all([api.actorSummary(signal), api.list('actors', { detail: true, limit: 10_000 }, signal)]);
    // Live actors first, then by class.
    const rank = (a: ActorRow) => (a.state === 'DEAD' ? 1 : 0);
    actors.rows.sort((a, b) => rank(a) - rank(b) || a.className.localeCompare(b.className));
    return { summary, actors };
  }, []);
  const d = polled.data;
  return (
    <>
      <Section title="Actors by class" right={<PollNote polled={polled} />}>
        <ActorsByClass summary={d?.summary} />
      </Section>
      <Section title="Actors" right={<PollNote polled={polled} total={d?.actors.total} shown={d?.actors.rows.length} partial={d?.actors.partialFailures} />}>
        <ActorsTable actors={d?.actors.rows ?? []} />
      </Section>
    </>
  );
}
