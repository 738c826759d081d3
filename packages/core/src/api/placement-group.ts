/**
 * Placement groups: reserve bundles of resources across nodes together (Ray's
 * `placement_group`), then schedule tasks and actors into them with
 * `schedulingStrategy: { type: 'PLACEMENT_GROUP', placementGroup, bundleIndex }`.
 *
 * ```ts
 * const pg = ray.placementGroup([{ CPU: 1 }, { CPU: 1 }], { strategy: 'STRICT_SPREAD' });
 * await pg.ready();
 * const a = Worker.options({ schedulingStrategy: { type: 'PLACEMENT_GROUP', placementGroup: pg, bundleIndex: 0 } }).remote();
 * ray.removePlacementGroup(pg);
 * ```
 */
import { newId } from '../ids.js';
import { GetTimeoutError, RayError } from '../errors.js';
import type { ResourceMap } from '../transport/protocol.js';
import type { PlacementStrategy } from '../gcs/pg-placement.js';
import { checkKeys } from './options.js';
import { requireState } from './state.js';

export type { PlacementStrategy } from '../gcs/pg-placement.js';

/** Options of {@link placementGroup}. */
export interface PlacementGroupOptions {
  /** How bundles spread over nodes. @default 'PACK' */
  strategy?: PlacementStrategy;
  /** Name to find it by ({@link getPlacementGroup}). */
  name?: string;
  /** 'detached': it outlives this driver. */
  lifetime?: 'detached';
}

/** A placement group: its id, its bundles, and a promise of its reservation. */
export class PlacementGroup {
  /** @internal */
  constructor(
    readonly id: string,
    readonly bundleSpecs: readonly ResourceMap[],
    readonly strategy: PlacementStrategy,
    private readonly created: Promise<void>,
  ) {}

  /** Number of bundles. */
  get bundleCount(): number {
    return this.bundleSpecs.length;
  }

  /** Resolves once every bundle is reserved; rejects with GetTimeoutError after `timeoutMs`. */
  async ready(timeoutMs?: number): Promise<void> {
    await this.created;
    const st = requireState('PlacementGroup.ready()');
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      const r = await st.core.client.headRequest({ t: 'gcs.pgWait', pgId: this.id, timeoutMs: Math.min(10_000, Math.max(0, left)) });
      if (r.error) throw new RayError(String(r.error));
      if (r.state === 'CREATED') return;
      if (r.state === 'REMOVED') throw new RayError(`Placement group ${this.id} was removed before it was ready.`);
      if (Date.now() >= deadline) throw new GetTimeoutError(timeoutMs!, this.bundleCount);
    }
  }

  /** Whether it is ready within `timeoutMs` (Ray's `pg.wait`). */
  async wait(timeoutMs: number): Promise<boolean> {
    try {
      await this.ready(timeoutMs);
      return true;
    } catch (err) {
      if (err instanceof GetTimeoutError) return false;
      throw err;
    }
  }
}

const STRATEGIES = new Set(['PACK', 'SPREAD', 'STRICT_PACK', 'STRICT_SPREAD']);

/** Reserves `bundles` (each a resource map like `{ CPU: 1 }`) across the cluster's nodes. */
export function placementGroup(bundles: ResourceMap[], options: PlacementGroupOptions = {}): PlacementGroup {
  const st = requireState('placementGroup()');
  checkKeys('placementGroup() options', options, new Set(['strategy', 'name', 'lifetime']));
  if (!Array.isArray(bundles) || bundles.length === 0) throw new TypeError('placementGroup() bundles must be a non-empty array of resource maps');
  bundles.forEach((b, i) => {
    if (b === null || typeof b !== 'object') throw new TypeError(`placementGroup() bundles[${i}] must be a resource map like { CPU: 1 }`);
    const entries = Object.entries(b);
    for (const [k, v] of entries) if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`placementGroup() bundles[${i}].${k} must be a number >= 0`);
    if (!entries.some(([, v]) => v > 0)) throw new TypeError(`placementGroup() bundles[${i}] must ask for some resource`);
  });
  const strategy = options.strategy ?? 'PACK';
  if (!STRATEGIES.has(strategy)) throw new TypeError(`placementGroup() options.strategy must be one of ${[...STRATEGIES].join(', ')}, got '${String(strategy)}'`);
  if (options.lifetime !== undefined && options.lifetime !== 'detached') throw new TypeError("placementGroup() options.lifetime must be 'detached' or undefined");
  const id = newId('g');
  const specs = bundles.map((b) => ({ ...b }));
  const created = st.core.client
    .headRequest({ t: 'gcs.pgCreate', pgId: id, bundles: specs, strategy, name: options.name, namespace: st.core.currentNamespace(), detached: options.lifetime === 'detached' })
    .then((r) => {
      if (r.error) throw new RayError(String(r.error));
    });
  created.catch(() => {}); // surfaced by ready()
  return new PlacementGroup(id, specs, strategy, created);
}

/** Removes a placement group: its bundles' resources go back to their nodes. */
export async function removePlacementGroup(pg: PlacementGroup): Promise<void> {
  const st = requireState('removePlacementGroup()');
  await pg.ready(0).catch(() => {});
  await st.core.client.headRequest({ t: 'gcs.pgRemove', pgId: pg.id });
}

/** Finds a named placement group of this namespace. */
export async function getPlacementGroup(name: string): Promise<PlacementGroup> {
  const st = requireState('getPlacementGroup()');
  const namespace = st.core.currentNamespace();
  const r = await st.core.client.headRequest({ t: 'gcs.pgGet', name, namespace });
  const g = r.pg as { pgId: string; bundles: ResourceMap[]; strategy: PlacementStrategy } | null;
  if (!g) throw new RayError(`No placement group named '${name}' in namespace '${namespace}'.`);
  return new PlacementGroup(g.pgId, g.bundles, g.strategy, Promise.resolve());
}
