/** Jobs: submitted jobs (`ray-ts job submit`) or the embedded cluster's driver, and a job's driver log. */
import * as api from '../api.js';
import type { JobRow } from '../api-types.js';
import { PollNote, Section, StateBadge, Table, type Column } from '../components.js';
import { formatAgo, formatDuration } from '../format.js';
import { LogTail } from '../log-tail.js';
import { usePoll } from '../use-poll.js';

/** The Jobs view; `job` (from the address) picks the job whose log is shown. */
export function JobsView(p: { params: URLSearchParams }) {
  const picked = p.params.get('job') ?? undefined;
  const polled = usePoll(async (signal) => {
    const jobs = await api.list('jobs', { detail: true, limit: 10_000 }, signal);
    jobs.rows.sort((a, b) => (b.startTimeMs ?? 0) - (a.startTimeMs ?? 0));
    return jobs;
  }, []);
  const now = Date.now();
  const columns: Column<JobRow>[] = [
    { title: 'Job', cell: (j) => <code>{j.jobId}</code> },
    { title: 'Type', cell: (j) => (j.type === 'DRIVER' ? 'driver' : 'submitted') },
    { title: 'Status', cell: (j) => <StateBadge state={j.status} /> },
    { title: 'Entrypoint', cell: (j) => (j.entrypoint ? <code>{j.entrypoint}</code> : '') },
    { title: 'Driver pid', class: 'num', cell: (j) => j.driverPid ?? '–' },
    { title: 'Started', cell: (j) => formatAgo(j.startTimeMs, now) },
    { title: 'Duration', class: 'num', cell: (j) => (j.startTimeMs ? formatDuration((j.endTimeMs ?? now) - j.startTimeMs) : '–') },
    { title: 'Message', class: 'clip', cell: (j) => <span class={j.status === 'FAILED' ? 'warn' : 'muted'} title={j.message}>{j.message ?? ''}</span> },
  ];
  const job = polled.data?.rows.find((j) => j.jobId === picked);
  return (
    <>
      <Section title="Jobs" right={<PollNote polled={polled} total={polled.data?.total} shown={polled.data?.rows.length} />}>
        <Table
          testId="jobs-table"
          columns={columns}
          rows={polled.data?.rows ?? []}
          rowKey={(j) => j.jobId}
          rowAttrs={(j) => ({ 'data-state': j.status })}
          empty={polled.data ? 'No jobs. Submit one with `ray-ts job submit`.' : 'Loading…'}
          onRow={(j) => (location.hash = `#/jobs?job=${encodeURIComponent(j.jobId)}`)}
          selected={picked}
        />
      </Section>
      {job && (
        <Section title={`Log of ${job.jobId}`}>
          {job.type === 'SUBMISSION' ? (
            <LogTail id={job.jobId} read={(offset, signal) => api.readJobLog(job.jobId, offset, signal)} />
          ) : (
            <p class="hint">
              This is the driver of an embedded local cluster (<code>ray.init()</code>): its output goes to the terminal that runs it. Its workers' output is in
              the <a href="#/logs">Logs</a> view.
            </p>
          )}
        </Section>
      )}
    </>
  );
}
