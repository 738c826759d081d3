/**
 * `requestResources()` (Ray's `ray.autoscaler.sdk.request_resources`): asks the
 * autoscaler to size the cluster so that its total resources hold the given bundles,
 * on top of what pending work needs. The request stands until replaced by the next call
 * (`requestResources({})` clears it); it does not reserve anything.
 */
import type { ResourceMap } from '../transport/protocol.js';
import { RayError } from '../errors.js';
import { requireState } from '../api/state.js';
import { checkKeys } from '../api/options.js';

/** What {@link requestResources} asks for. */
export interface RequestResourcesOptions {
  /** This many 1-CPU bundles (Ray's `num_cpus`). @default 0 */
  numCpus?: number;
  /** Resource bundles the cluster should hold, e.g. `[{ CPU: 4, GPU: 1 }]`. @default [] */
  bundles?: ResourceMap[];
}

let warned = false;

/**
 * Asks the cluster's autoscaler to scale to hold `numCpus` CPUs and `bundles` at once
 * (a new call replaces the previous request). Without an autoscaler (a cluster not started
 * from a cluster config) it does nothing and warns once.
 */
export async function requestResources(options: RequestResourcesOptions = {}): Promise<void> {
  const st = requireState('requestResources()');
  checkKeys('requestResources() options', options, new Set(['numCpus', 'bundles']));
  const numCpus = options.numCpus ?? 0;
  if (typeof numCpus !== 'number' || !Number.isInteger(numCpus) || numCpus < 0) throw new RangeError(`requestResources() options.numCpus must be an integer >= 0, got ${String(numCpus)}`);
  const given = options.bundles ?? [];
  if (!Array.isArray(given)) throw new TypeError('requestResources() options.bundles must be an array of resource maps like { CPU: 1 }');
  given.forEach((b, i) => {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new TypeError(`requestResources() options.bundles[${i}] must be a resource map like { CPU: 1 }`);
    for (const [k, v] of Object.entries(b)) if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`requestResources() options.bundles[${i}].${k} must be a number >= 0`);
  });
  const bundles = [...Array.from({ length: numCpus }, () => ({ CPU: 1 })), ...given.map((b) => ({ ...b }))];
  const r = await st.core.client.headRequest({ t: 'gcs.requestResources', bundles });
  if (r.error) {
    if (/unknown request|needs a cluster/.test(String(r.error))) {
      if (!warned) console.warn('[ray-ts] requestResources(): this cluster has no autoscaler (start it with `ray-ts up cluster.yaml`); the request is ignored.');
      warned = true;
      return;
    }
    throw new RayError(`requestResources() failed: ${String(r.error)}`);
  }
}
