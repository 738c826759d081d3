/** Tasks: counts by state and by function, and the most recent tasks with their node, duration and error. */
import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { TASK_STATES, type TaskRow, type TaskSummary } from '../api-types.js';
import { Id, PollNote, Section, StateBadge, Stat, Table, type Column } from '../components.js';
import { formatAgo, formatDuration, formatResources, taskDuration } from '../format.js';
import { countsByFunction, countsByState, recentTasks } from '../task-counts.js';
import { usePoll } from '../use-poll.js';

/** Rows in the recent-tasks table. */
const SHOWN = 200;
/** Rows asked of each query. */
const LIMIT = 1000;

/** Tasks by state, as figures. */
export function TaskStateStats(p: { summary: TaskSummary | undefined }) {
  const c = countsByState(p.summary);
  return (
    <div class="stats" data-testid="task-state-counts">
      <Stat label="Running" value={c.RUNNING} />
      <Stat label="Waiting" value={c.PENDING_ARGS_AVAIL + c.PENDING_NODE_ASSIGNMENT} sub="for arguments or a node" />
      <Stat label="Finished" value={c.FINISHED} />
      <Stat label="Failed" value={c.FAILED} />
    </div>
  );
}

/** Tasks by function (or `Class.method`) and state. */
export function TasksByFunction(p: { summary: TaskSummary | undefined; top?: number }) {
  const rows = countsByFunction(p.summary).slice(0, p.top ?? Infinity);
  const columns: Column<(typeof rows)[number]>[] = [
    { title: 'Function', cell: (r) => <span>{r.name}{r.type === 'ACTOR_TASK' && <span class="tag">actor</span>}</span> },
    ...TASK_STATES.map((s) => ({ title: label(s), class: 'num', cell: (r: (typeof rows)[number]) => r.counts[s] ?? '' })),
    { title: 'Total', class: 'num', cell: (r) => r.total },
  ];
  return <Table testId="tasks-by-function" columns={columns} rows={rows} rowKey={(r) => r.name} empty="No tasks yet." />;
}

function label(s: string): string {
  return s === 'PENDING_ARGS_AVAIL' ? 'Waiting args' : s === 'PENDING_NODE_ASSIGNMENT' ? 'Waiting node' : s[0] + s.slice(1).toLowerCase();
}

/** The Tasks view. */
export function TasksView() {
  const [state, setState] = useState('');
  const [open, setOpen] = useState<string>();
  const polled = usePoll(async (signal) => {
    const filters = state ? [`state=${state}`] : [];
    // Live tasks first (the list puts them first on each node, but a cluster-wide limit could cut another node's).
    const [summary, live, all] = await Promise.all([
      api.taskSummary(signal),
      state ? undefined : api.list('tasks', { filters: ['state!=FINISHED', 'state!=FAILED'], limit: LIMIT, detail: true }, signal),
      api.list('tasks', { filters, limit: LIMIT, detail: true }, signal),
    ]);
    const byId = new Map<string, TaskRow>();
    for (const r of [...(live?.rows ?? []), ...all.rows]) byId.set(r.taskId, r);
    return { summary, rows: recentTasks([...byId.values()], SHOWN), total: all.total, partial: all.partialFailures };
  }, [state]);
  const d = polled.data;
  const now = Date.now();
  const columns: Column<TaskRow>[] = [
    { title: 'Task', cell: (t) => <Id id={t.taskId} /> },
    { title: 'Name', cell: (t) => t.name },
    { title: 'State', cell: (t) => <StateBadge state={t.state} /> },
    { title: 'Node', cell: (t) => <Id id={t.nodeId} /> },
    { title: 'Worker', cell: (t) => (t.workerPid ? <a href={`#/logs?node=${t.nodeId}&pid=${t.workerPid}`} onClick={(e) => e.stopPropagation()}>pid {t.workerPid}</a> : '–') },
    { title: 'Attempt', class: 'num', cell: (t) => t.attempt },
    { title: 'Created', cell: (t) => formatAgo(t.creationTimeMs, now) },
    { title: 'Duration', class: 'num', cell: (t) => formatDuration(taskDuration(t, now)) },
    { title: 'Error', class: 'error-cell', cell: (t) => (t.errorType ? <span title={t.errorMessage}>{t.errorType}: {t.errorMessage}</span> : '') },
  ];
  return (
    <>
      <Section title="Tasks by state" right={<PollNote polled={polled} />}>
        <TaskStateStats summary={d?.summary} />
      </Section>
      <Section title="Tasks by function">
        <TasksByFunction summary={d?.summary} />
      </Section>
      <Section
        title="Recent tasks"
        right={
          <span class="controls">
            <PollNote polled={polled} total={d?.total} shown={d?.rows.length} partial={d?.partial} />
            <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)} aria-label="state">
              <option value="">all states</option>
              {TASK_STATES.map((s) => <option value={s}>{s}</option>)}
            </select>
          </span>
        }
      >
        <Table
          testId="tasks-table"
          columns={columns}
          rows={d?.rows ?? []}
          rowKey={(t) => t.taskId}
          rowAttrs={(t) => ({ 'data-state': t.state, 'data-name': t.name })}
          empty={d ? 'No tasks.' : 'Loading…'}
          onRow={(t) => setOpen(open === t.taskId ? undefined : t.taskId)}
          selected={open}
          detail={(t) => <TaskDetail task={t} />}
        />
      </Section>
    </>
  );
}

function TaskDetail(p: { task: TaskRow }) {
  const t = p.task;
  return (
    <dl class="detail">
      <dt>Task id</dt><dd><code>{t.taskId}</code></dd>
      <dt>Type</dt><dd>{t.type}{t.actorId && <> of actor <code>{t.actorId}</code></>}</dd>
      <dt>Resources</dt><dd>{formatResources(t.requiredResources)}</dd>
      <dt>Events</dt>
      <dd>{(t.events ?? []).map((e) => <span class="event"><StateBadge state={e.state} /> {new Date(e.ts).toLocaleTimeString()}</span>)}</dd>
      {t.errorMessage && <><dt>Error</dt><dd><pre class="error">{t.errorType}: {t.errorMessage}</pre></dd></>}
    </dl>
  );
}
