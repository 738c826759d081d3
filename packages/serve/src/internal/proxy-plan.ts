/**
 * Where HTTP proxies run (Ray Serve's `proxy_location`): `EveryNode` (the default) puts one
 * proxy on every alive node, `HeadOnly` one on the head node. A pure function of the node
 * table, so the controller's proxy manager only applies its answer.
 *
 * Ports: every proxy listens on the configured port of its own node's host. Nodes that
 * share a host (one machine running several nodes, as in tests, or a head and a worker on
 * one box) would clash on that port, so on each host the nodes are ranked — head first, then
 * by start time — and the k-th proxy of a host listens on `port + k`. A proxy keeps its port
 * for its life; a node that joins later takes the lowest offset free on its host. With port 0
 * each proxy picks a free port. `serve.status().proxies` tells where each one listens.
 */

/** Where proxies run. */
export type ProxyLocation = 'EveryNode' | 'HeadOnly';

/** The proxy locations, for validation. */
export const PROXY_LOCATIONS: readonly ProxyLocation[] = ['EveryNode', 'HeadOnly'];

/** A node as the plan needs it (from core's `state.listNodes()`). */
export interface PlanNode {
  nodeId: string;
  /** `host:port` of the node (a socket path for the embedded cluster). */
  address: string;
  state: 'ALIVE' | 'DEAD';
  isHead: boolean;
  startTimeMs: number;
}

/** A proxy the plan wants: on `nodeId`, listening on `port` (0: a free one). */
export interface ProxyPlacement {
  nodeId: string;
  /** Host part of the node's address (the machine the port is taken on). */
  nodeHost: string;
  port: number;
  /** Offset from the base port on its host. */
  offset: number;
}

/** Host part of a node address (`10.0.0.2:6380` → `10.0.0.2`, `[::1]:6380` → `::1`); '' for a socket path. */
export function hostOf(address: string): string {
  const m = /^\[?([^\]]*?)\]?:\d+$/.exec(address);
  return m ? m[1]! : '';
}

/**
 * The proxies that should run: `existing` (node id → offset) are kept where their node is
 * still alive and wanted; nodes without one get the lowest free offset on their host.
 */
export function planProxies(nodes: readonly PlanNode[], location: ProxyLocation, basePort: number, existing: ReadonlyMap<string, number>): ProxyPlacement[] {
  const alive = nodes.filter((n) => n.state === 'ALIVE')
    .sort((a, b) => Number(b.isHead) - Number(a.isHead) || a.startTimeMs - b.startTimeMs || a.nodeId.localeCompare(b.nodeId));
  const wanted = location === 'HeadOnly' ? alive.slice(0, 1) : alive;
  const used = new Map<string, Set<number>>();
  const usedOn = (host: string): Set<number> => {
    let s = used.get(host);
    if (!s) used.set(host, (s = new Set()));
    return s;
  };
  const out: ProxyPlacement[] = [];
  for (const n of wanted) {
    const off = existing.get(n.nodeId);
    if (off !== undefined) usedOn(hostOf(n.address)).add(off);
  }
  for (const n of wanted) {
    const nodeHost = hostOf(n.address);
    let offset = existing.get(n.nodeId);
    if (offset === undefined) {
      const taken = usedOn(nodeHost);
      offset = 0;
      while (taken.has(offset)) offset++;
      taken.add(offset);
    }
    out.push({ nodeId: n.nodeId, nodeHost, offset, port: basePort === 0 ? 0 : basePort + offset });
  }
  return out;
}
