/** Placement groups: state, strategy, bundles and the node of each bundle. */
import * as api from '../api.js';
import type { PlacementGroupRow } from '../api-types.js';
import { Id, PollNote, Section, StateBadge, Table, type Column } from '../components.js';
import { formatResources } from '../format.js';
import { usePoll } from '../use-poll.js';

/** The Placement groups view. */
export function PlacementGroupsView() {
  const polled = usePoll((signal) => api.list('placement_groups', { detail: true, limit: 10_000 }, signal), []);
  const columns: Column<PlacementGroupRow>[] = [
    { title: 'Placement group', cell: (g) => <Id id={g.placementGroupId} /> },
    { title: 'Name', cell: (g) => g.name ?? '' },
    { title: 'State', cell: (g) => <StateBadge state={g.state} /> },
    { title: 'Strategy', cell: (g) => g.strategy },
    {
      title: 'Bundles → nodes',
      cell: (g) => (
        <ol class="bundles">
          {g.bundles.map((b, i) => (
            <li>
              {formatResources(b)}
              {g.nodes?.[i] && <> → <Id id={g.nodes[i]} /></>}
            </li>
          ))}
        </ol>
      ),
    },
    { title: 'Namespace', cell: (g) => g.namespace },
    { title: 'Detached', cell: (g) => (g.detached ? 'yes' : '') },
  ];
  return (
    <Section title="Placement groups" right={<PollNote polled={polled} total={polled.data?.total} shown={polled.data?.rows.length} />}>
      <Table testId="placement-groups-table" columns={columns} rows={polled.data?.rows ?? []} rowKey={(g) => g.placementGroupId} empty="No placement groups." />
    </Section>
  );
}
