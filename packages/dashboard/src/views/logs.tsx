/** The log viewer: every worker's stdout and stderr on every node, one followed at a time. */
import * as api from '../api.js';
import type { LogFile } from '../api-types.js';
import { Id, PollNote, Section, Table, type Column } from '../components.js';
import { formatBytes } from '../format.js';
import { LogTail } from '../log-tail.js';
import { usePoll } from '../use-poll.js';

/** The Logs view; `node`, `pid` and `stream` (from the address) pick the log shown. */
export function LogsView(p: { params: URLSearchParams }) {
  const node = p.params.get('node') ?? undefined;
  const pid = Number(p.params.get('pid') ?? NaN);
  const stream: LogFile['stream'] = p.params.get('stream') === 'stderr' ? 'stderr' : 'stdout';
  const polled = usePoll(async (signal) => {
    const [files, actors] = await Promise.all([api.logFiles(signal), api.list('actors', { limit: 10_000 }, signal)]);
    const actorOf = new Map(actors.rows.filter((a) => a.pid).map((a) => [`${a.nodeId}/${a.pid}`, a.className]));
    files.sort((a, b) => a.nodeId.localeCompare(b.nodeId) || b.pid - a.pid || a.stream.localeCompare(b.stream));
    return { files, actorOf };
  }, []);
  const d = polled.data;
  const key = (f: Pick<LogFile, 'nodeId' | 'pid' | 'stream'>) => `${f.nodeId}/${f.pid}/${f.stream}`;
  const columns: Column<LogFile>[] = [
    { title: 'Node', cell: (f) => <Id id={f.nodeId} /> },
    { title: 'Pid', class: 'num', cell: (f) => f.pid },
    { title: 'Worker', cell: (f) => <span><Id id={f.workerId} />{d?.actorOf.get(`${f.nodeId}/${f.pid}`) && <span class="tag">{d.actorOf.get(`${f.nodeId}/${f.pid}`)}</span>}</span> },
    { title: 'Stream', cell: (f) => f.stream },
    { title: 'Size', class: 'num', cell: (f) => formatBytes(f.size) },
  ];
  const picked = node && Number.isInteger(pid) ? { nodeId: node, pid, stream } : undefined;
  return (
    <div class="split">
      <Section title="Worker logs" right={<PollNote polled={polled} />}>
        <Table
          testId="log-files"
          columns={columns}
          rows={d?.files ?? []}
          rowKey={key}
          empty={d ? 'No worker has written a log yet.' : 'Loading…'}
          onRow={(f) => (location.hash = `#/logs?node=${encodeURIComponent(f.nodeId)}&pid=${f.pid}&stream=${f.stream}`)}
          selected={picked && key(picked)}
        />
      </Section>
      <Section
        title={picked ? `pid ${picked.pid} · ${picked.stream}` : 'Log'}
        right={
          picked && (
            <span class="controls">
              {(['stdout', 'stderr'] as const).map((s) => (
                <a class={`button ${s === stream ? 'on' : ''}`} href={`#/logs?node=${encodeURIComponent(picked.nodeId)}&pid=${picked.pid}&stream=${s}`}>
                  {s}
                </a>
              ))}
            </span>
          )
        }
      >
        {picked ? (
          <LogTail id={key(picked)} read={(offset, signal) => api.readWorkerLog(picked.nodeId, picked.pid, picked.stream, offset, signal)} />
        ) : (
          <p class="hint">Pick a log on the left (or a worker pid in the Tasks or Actors view).</p>
        )}
      </Section>
    </div>
  );
}
