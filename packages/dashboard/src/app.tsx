/** The page: a header with the views, and the view named by the address's hash (`#/tasks?state=RUNNING`). */
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ActorsView } from './views/actors.js';
import { JobsView } from './views/jobs.js';
import { LogsView } from './views/logs.js';
import { NodesView } from './views/nodes.js';
import { ObjectsView } from './views/objects.js';
import { OverviewView } from './views/overview.js';
import { PlacementGroupsView } from './views/placement-groups.js';
import { ServeView } from './views/serve.js';
import { TasksView } from './views/tasks.js';

type Params = { params: URLSearchParams };

const VIEWS: Array<{ path: string; title: string; view: (p: Params) => ComponentChildren }> = [
  { path: '', title: 'Overview', view: () => <OverviewView /> },
  { path: 'nodes', title: 'Nodes', view: () => <NodesView /> },
  { path: 'tasks', title: 'Tasks', view: () => <TasksView /> },
  { path: 'actors', title: 'Actors', view: () => <ActorsView /> },
  { path: 'objects', title: 'Objects', view: () => <ObjectsView /> },
  { path: 'placement-groups', title: 'Placement groups', view: () => <PlacementGroupsView /> },
  { path: 'jobs', title: 'Jobs', view: (p) => <JobsView params={p.params} /> },
  { path: 'serve', title: 'Serve', view: () => <ServeView /> },
  { path: 'logs', title: 'Logs', view: (p) => <LogsView params={p.params} /> },
];

function parseHash(hash: string): { path: string; params: URLSearchParams } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { path, params: new URLSearchParams(query) };
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** The whole page. */
export function App() {
  const { path, params } = parseHash(useHash());
  const current = VIEWS.find((v) => v.path === path) ?? VIEWS[0]!;
  useEffect(() => {
    document.title = `${current.title} · ray-ts`;
  }, [current]);
  return (
    <>
      <header>
        <div class="brand">
          ray-ts <span class="muted">dashboard</span>
        </div>
        <nav>
          {VIEWS.map((v) => (
            <a href={`#/${v.path}`} class={v === current ? 'on' : ''} data-view={v.path || 'overview'}>
              {v.title}
            </a>
          ))}
        </nav>
        <div class="host muted">{location.host}</div>
      </header>
      <main data-view={current.path || 'overview'}>{current.view({ params })}</main>
    </>
  );
}
