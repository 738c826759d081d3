/** The page's building blocks: sections, tables, state badges, meters, ids. */
import type { ComponentChildren } from 'preact';
import { formatUsage, shortId, usage } from './format.js';
import type { ResourceMap } from './api-types.js';
import type { Polled } from './use-poll.js';

/** A titled block; `right` goes on the title line (counts, filters). */
export function Section(p: { title: string; right?: ComponentChildren; children: ComponentChildren; testId?: string }) {
  return (
    <section class="section" data-testid={p.testId}>
      <div class="section-head">
        <h2>{p.title}</h2>
        {p.right}
      </div>
      {p.children}
    </section>
  );
}

/** One figure of the overview. */
export function Stat(p: { label: string; value: ComponentChildren; sub?: ComponentChildren; share?: number }) {
  return (
    <div class="stat">
      <div class="stat-label">{p.label}</div>
      <div class="stat-value">{p.value}</div>
      {p.share !== undefined && <Bar share={p.share} />}
      {p.sub !== undefined && <div class="stat-sub">{p.sub}</div>}
    </div>
  );
}

function Bar(p: { share: number }) {
  const pct = Math.round(p.share * 100);
  return (
    <div class={`bar ${pct >= 90 ? 'bar-high' : pct >= 60 ? 'bar-mid' : ''}`} role="meter" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}

/** Used / total of one resource, with a bar. */
export function Meter(p: { total: ResourceMap; available: ResourceMap; name: string }) {
  const u = usage(p.total, p.available, p.name);
  if (u.total === 0) return <span class="muted">–</span>;
  return (
    <div class="meter">
      <Bar share={u.share} />
      <span>{formatUsage(p.name, u)}</span>
    </div>
  );
}

/** A state name in its colour. */
export function StateBadge(p: { state: string | undefined }) {
  const s = (p.state ?? 'UNKNOWN').toUpperCase();
  return (
    <span class={`badge ${stateClass(s)}`} data-state={s}>
      {s}
    </span>
  );
}

function stateClass(s: string): string {
  if (/^(RUNNING|ALIVE|CREATED|READY)$/.test(s)) return 'ok';
  if (/^(FINISHED|SUCCEEDED)$/.test(s)) return 'done';
  if (/^(FAILED|DEAD|REMOVED)$/.test(s)) return 'bad';
  if (/^(STOPPED|REMOTE)$/.test(s)) return 'muted-badge';
  return 'wait';
}

/** An id, cut, with the whole id as tooltip. */
export function Id(p: { id: string | undefined }) {
  return (
    <code class="id" title={p.id}>
      {shortId(p.id)}
    </code>
  );
}

/** A column of {@link Table}. */
export interface Column<T> {
  title: string;
  cell: (row: T) => ComponentChildren;
  class?: string;
}

/** A table with a message when empty; rows may be clicked, and may carry a detail row below them. */
export function Table<T>(p: {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  testId?: string;
  empty?: string;
  onRow?: (row: T) => void;
  /** `data-*` attributes of a row (what tests and styles select on). */
  rowAttrs?: (row: T) => Record<`data-${string}`, string>;
  selected?: string;
  detail?: (row: T) => ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table data-testid={p.testId}>
        <thead>
          <tr>
            {p.columns.map((c) => (
              <th class={c.class}>{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.length === 0 && (
            <tr class="empty">
              <td colSpan={p.columns.length}>{p.empty ?? 'None.'}</td>
            </tr>
          )}
          {p.rows.map((r) => {
            const key = p.rowKey(r);
            const open = p.selected === key;
            return [
              <tr key={key} data-key={key} class={`${p.onRow ? 'clickable' : ''} ${open ? 'selected' : ''}`} onClick={p.onRow && (() => p.onRow!(r))} {...p.rowAttrs?.(r)}>
                {p.columns.map((c) => (
                  <td class={c.class}>{c.cell(r)}</td>
                ))}
              </tr>,
              open && p.detail ? (
                <tr key={`${key}:detail`} class="detail-row">
                  <td colSpan={p.columns.length}>{p.detail(r)}</td>
                </tr>
              ) : null,
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

/** "Updated 1.2 s ago", or the last error while the last good data stays on screen. */
export function PollNote(p: { polled: Polled<unknown>; total?: number; shown?: number; partial?: string[] }) {
  const { error } = p.polled;
  return (
    <span class="poll-note">
      {p.total !== undefined && p.shown !== undefined && p.total > p.shown && (
        <span>
          {p.shown} of {p.total} shown ·{' '}
        </span>
      )}
      {p.partial && p.partial.length > 0 && <span class="warn">{p.partial.length} node(s) did not answer · </span>}
      {error ? <span class="warn">{error.message}</span> : p.polled.data === undefined ? 'loading…' : 'live'}
    </span>
  );
}
