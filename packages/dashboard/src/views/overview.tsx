/** The overview: cluster resources used and total, node, task, actor and object counts, and the nodes. */
import * as api from '../api.js';
import { PollNote, Section, Stat } from '../components.js';
import { formatBytes, formatUsage, sumResources, usage } from '../format.js';
import { countsByState } from '../task-counts.js';
import { usePoll } from '../use-poll.js';
import { ActorsByClass } from './actors.js';
import { NodesTable } from './nodes.js';
import { TasksByFunction } from './tasks.js';

/** The Overview view. */
export function OverviewView() {
  const polled = usePoll(async (signal) => {
    const [nodes, tasks, actors, objects] = await Promise.all([
      api.list('nodes', { detail: true, limit: 10_000 }, signal),
      api.taskSummary(signal),
      api.actorSummary(signal),
      api.objectSummary(signal),
    ]);
    return { nodes: nodes.rows, tasks, actors, objects };
  }, []);
  const d = polled.data;
  const alive = d?.nodes.filter((n) => n.state === 'ALIVE') ?? [];
  const total = sumResources(alive.map((n) => n.resourcesTotal));
  const available = sumResources(alive.map((n) => n.resourcesAvailable));
  const res = (name: string, label: string) => {
    const u = usage(total, available, name);
    return <Stat label={label} value={formatUsage(name, u)} share={u.share} />;
  };
  const t = countsByState(d?.tasks);
  const actorsAlive = Object.values(d?.actors.summary ?? {}).reduce((a, s) => a + (s.stateCounts.ALIVE ?? 0), 0);
  return (
    <>
      <Section title="Cluster" right={<PollNote polled={polled} />} testId="overview">
        {d && (
          <div class="stats">
            <Stat label="Nodes" value={`${alive.length} alive`} sub={d.nodes.length > alive.length ? `${d.nodes.length - alive.length} dead` : undefined} />
            {res('CPU', 'CPU in use')}
            {(total.GPU ?? 0) > 0 && res('GPU', 'GPU in use')}
            {res('memory', 'Memory reserved')}
            {res('objectStoreMemory', 'Object store')}
            <Stat label="Tasks running" value={t.RUNNING} sub={`${t.PENDING_ARGS_AVAIL + t.PENDING_NODE_ASSIGNMENT} waiting · ${t.FINISHED} finished · ${t.FAILED} failed`} />
            <Stat label="Actors alive" value={actorsAlive} sub={`${d.actors.totalActors} in all`} />
            <Stat label="Objects" value={d.objects.numObjects} sub={formatBytes(d.objects.totalBytes)} />
          </div>
        )}
      </Section>
      <Section title="Nodes">{d ? <NodesTable nodes={d.nodes} objects={d.objects} /> : <p class="hint">Loading…</p>}</Section>
      <div class="columns">
        <Section title="Tasks by function">
          <TasksByFunction summary={d?.tasks} top={10} />
        </Section>
        <Section title="Actors by class">
          <ActorsByClass summary={d?.actors} />
        </Section>
      </div>
    </>
  );
}
