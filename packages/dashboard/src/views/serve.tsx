/** Serve applications, read from Serve's named actors (see serve-apps.ts for why). */
import * as api from '../api.js';
import { Id, PollNote, Section, StateBadge, Table } from '../components.js';
import { serveView, SERVE_NAMESPACE, type ServeDeploymentView } from '../serve-apps.js';
import { usePoll } from '../use-poll.js';

/** The Serve view. */
export function ServeView() {
  const polled = usePoll(async (signal) => serveView((await api.list('actors', { filters: [`namespace=${SERVE_NAMESPACE}`], detail: true, limit: 10_000 }, signal)).rows), []);
  const v = polled.data;
  return (
    <Section title="Serve" right={<PollNote polled={polled} />} testId="serve">
      {v && (!v.controller || v.controller.state === 'DEAD') && <p class="hint">No Serve controller is running (start one with <code>serve.run(...)</code>).</p>}
      {v?.controller && v.controller.state !== 'DEAD' && (
        <>
          <p>
            Controller <StateBadge state={v.controller.state} /> on node <Id id={v.controller.nodeId} /> (pid {v.controller.pid ?? '–'}) · HTTP proxy{' '}
            {v.proxy ? <StateBadge state={v.proxy.state} /> : <span class="muted">not started</span>}
          </p>
          {v.apps.length === 0 && <p class="hint">No applications.</p>}
          {v.apps.map((app) => (
            <div class="app" data-testid="serve-app">
              <h3>{app.name}</h3>
              <Table<ServeDeploymentView>
                columns={[
                  { title: 'Deployment', cell: (d) => d.name },
                  { title: 'Replicas', class: 'num', cell: (d) => d.replicas.filter((r) => r.state !== 'DEAD').length },
                  { title: 'States', cell: (d) => Object.entries(d.stateCounts).map(([s, n]) => <span class="event"><StateBadge state={s} /> {n}</span>) },
                  { title: 'Nodes', cell: (d) => [...new Set(d.replicas.filter((r) => r.state !== 'DEAD').map((r) => r.nodeId))].map((n) => <Id id={n} />) },
                ]}
                rows={app.deployments}
                rowKey={(d) => d.name}
              />
            </div>
          ))}
          <p class="hint">Read from Serve's actors (namespace <code>{SERVE_NAMESPACE}</code>); <code>ray-ts-serve status</code> has routes and deployment messages.</p>
        </>
      )}
    </Section>
  );
}
