/**
 * Placement-group bundles reserved on a node: their resources are held, and resources
 * named after the group (`CPU_group_<i>_<pg>`) are added for what is scheduled into it.
 */
import type { ResourceMap } from '../transport/protocol.js';
import { bundleResources } from '../gcs/pg-placement.js';
import type { Grant, NodeResources } from './resources.js';

/** The bundles reserved on one node. */
export class BundleReservations {
  private readonly held = new Map<string, { grant: Grant; added: ResourceMap }>();

  /** `changed` runs after a reservation or release (something may be schedulable now). */
  constructor(private readonly resources: NodeResources, private readonly changed: () => void) {}

  /** Reserves a group's bundles here; false when they do not fit now. Reserving twice is a no-op. */
  reserve(pgId: string, bundles: Array<{ index: number; resources: ResourceMap }>): boolean {
    if (this.held.has(pgId)) return true;
    const need: ResourceMap = {};
    for (const b of bundles) for (const [k, v] of Object.entries(b.resources)) need[k] = (need[k] ?? 0) + v;
    if (!this.resources.canAcquire(need)) return false;
    const grant = this.resources.acquire(need);
    const added: ResourceMap = {};
    for (const b of bundles) for (const [k, v] of Object.entries(bundleResources(pgId, b.index, b.resources))) added[k] = (added[k] ?? 0) + v;
    this.resources.add(added);
    this.held.set(pgId, { grant, added });
    this.changed();
    return true;
  }

  /** Gives back the bundles of a removed (or re-placed) group. */
  release(pgId: string): void {
    const b = this.held.get(pgId);
    if (!b) return;
    this.held.delete(pgId);
    this.resources.remove(b.added);
    this.resources.release(b.grant);
    this.changed();
  }
}
